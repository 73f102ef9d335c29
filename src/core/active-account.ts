import fs from "node:fs";
import path from "node:path";
import { accountNameProblem } from "./account-name.js";
import { dataDir } from "./paths.js";
import { loadRegistry } from "./registry.js";

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
    try {
      const name = fs.readFileSync(file, "utf8").split("\n", 1)[0]?.trim() ?? "";
      if (name && !accountNameProblem(name)) return { name, file };
    } catch {
      // No pin here; keep walking up.
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * The account a codex call in `cwd` uses, by the same precedence as the shell
 * wrapper: per-shell choice ($CAO_ACCOUNT, set by `cao use --shell`) > the
 * nearest directory pin > the registry default.
 */
export function resolveActiveAccount(
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
  dir = dataDir(env),
): ActiveAccount | undefined {
  const shellChoice = env.CAO_ACCOUNT?.trim();
  if (shellChoice) return { name: shellChoice, source: "shell" };
  const pin = findPin(cwd);
  if (pin) return { name: pin.name, source: "pin", pinFile: pin.file };
  const registry = loadRegistry(dir);
  return registry.default_account ? { name: registry.default_account, source: "default" } : undefined;
}
