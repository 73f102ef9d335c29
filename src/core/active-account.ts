import fs from "node:fs";
import path from "node:path";
import { accountNameProblem } from "./account-name.js";
import { usageError } from "./errors.js";
import { loadRegistry, type Registry } from "./registry.js";

/** A directory pin written by `cao pin NAME`; the first line is the account name. */
export const PIN_FILE = ".cao-account";

export type ActiveSource = "shell" | "pin" | "default";

export interface ActiveAccount {
  name: string;
  source: ActiveSource;
  /** The pin file, when source is "pin". */
  pinFile?: string;
}

/**
 * The nearest `.cao-account` file in `cwd` or a parent, with its first line
 * trimmed as it stands (possibly not a valid name: the nearest pin decides, a
 * bad one is reported, never skipped). A directory of that name is no pin.
 */
export function findPin(cwd: string): { name: string; file: string } | undefined {
  let current = path.resolve(cwd);
  for (;;) {
    const file = path.join(current, PIN_FILE);
    // Most directories have no pin: asked without an exception (this runs before every `cao run`).
    if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return { name: readFirstLine(file), file };
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function readFirstLine(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n", 1)[0]?.trim() ?? "";
  } catch {
    return ""; // an unreadable pin names no valid account: reported like an empty one
  }
}

/**
 * The account a codex call in `cwd` uses; the one rule every copy follows
 * (the shell wrappers, the PATH shims), with its cases in
 * test/fixtures/account-resolution.json: the per-shell choice ($CAO_ACCOUNT,
 * set by `cao use --shell`) > the nearest directory pin > the registry default
 * (from `registry` when the caller has already read it). Whichever source
 * wins must hold a valid account name, else a usage error (exit 2): an
 * invalid pin is not skipped, since the directory asked for some account and
 * running another one would spend the wrong quota.
 */
export function resolveActiveAccount({
  cwd = process.cwd(),
  registry,
}: {
  cwd?: string;
  registry?: Registry;
} = {}): ActiveAccount | undefined {
  const active = chooseActiveAccount(cwd, registry);
  const problem = active && accountNameProblem(active.name);
  if (active && problem) {
    const from = active.source === "shell" ? "$CAO_ACCOUNT" : (active.pinFile ?? "the default");
    throw usageError(
      `account ${JSON.stringify(active.name)} (from ${from}) is not a valid account name: ${problem}`,
      "see `cao list`; fix or remove that setting",
    );
  }
  return active;
}

function chooseActiveAccount(cwd: string, registry: Registry | undefined): ActiveAccount | undefined {
  const shellChoice = process.env.CAO_ACCOUNT;
  if (shellChoice) return { name: shellChoice, source: "shell" };
  const pin = findPin(cwd);
  if (pin) return { name: pin.name, source: "pin", pinFile: pin.file };
  const defaultAccount = (registry ?? loadRegistry()).default_account;
  return defaultAccount ? { name: defaultAccount, source: "default" } : undefined;
}
