import fs from "node:fs";
import path from "node:path";
import { accountNameProblem } from "./account-name.js";
import { loadRegistry, type Registry } from "./registry-read.js";

/** A directory pin written by `cao pin NAME`; the first line is the account name. */
export const PIN_FILE = ".cao-account";

export type ActiveSource = "shell" | "pin" | "default";

export interface ActiveAccount {
  name: string;
  source: ActiveSource;
  /** The pin file, when source is "pin". */
  pinFile?: string;
}

/** Finds the nearest `.cao-account` in `cwd` or a parent. */
export function findPin(cwd: string): { name: string; file: string } | undefined {
  let current = path.resolve(cwd);
  for (;;) {
    const file = path.join(current, PIN_FILE);
    // Most directories have no pin: asked without an exception (this runs before every `cao run`).
    if (fs.statSync(file, { throwIfNoEntry: false })) {
      const name = readFirstLine(file);
      if (name && !accountNameProblem(name)) return { name, file };
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function readFirstLine(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8").split("\n", 1)[0]?.trim();
  } catch {
    return undefined; // a directory or an unreadable file is no pin
  }
}

/**
 * The account a codex call in `cwd` uses, by the same precedence as the shell
 * wrapper: per-shell choice ($CAO_ACCOUNT, set by `cao use --shell`) > the
 * nearest directory pin > the registry default (from `registry` when the
 * caller has already read it).
 */
export function resolveActiveAccount({
  cwd = process.cwd(),
  registry,
}: {
  cwd?: string;
  registry?: Registry;
} = {}): ActiveAccount | undefined {
  const shellChoice = process.env.CAO_ACCOUNT?.trim();
  if (shellChoice) return { name: shellChoice, source: "shell" };
  const pin = findPin(cwd);
  if (pin) return { name: pin.name, source: "pin", pinFile: pin.file };
  const defaultAccount = (registry ?? loadRegistry()).default_account;
  return defaultAccount ? { name: defaultAccount, source: "default" } : undefined;
}
