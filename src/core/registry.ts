import fs from "node:fs";
import path from "node:path";
import { accountNameProblem } from "./account-name.js";
import { ensurePrivateDir } from "./atomic-write.js";
import { CaoError, usageError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { withFileLock } from "./file-lock.js";
import { corruptFileError, readJsonFile, writeJsonFile } from "./json-file.js";
import { dataDir, locksDir, registryPath, stateDir } from "./paths.js";
import { writeAccountsState, writeDefaultAccountState } from "./state-files.js";

/** `registry.json`, as the original project wrote it; unknown keys are kept. */
export interface Registry {
  default_account: string | null;
  accounts: string[];
  [key: string]: unknown;
}

export function loadRegistry(dir = dataDir()): Registry {
  const file = registryPath(dir);
  const result = readJsonFile(file);
  if (result.kind === "missing") return { default_account: null, accounts: [] };
  if (result.kind === "corrupt") throw corruptFileError(file, result);
  return validateRegistry(file, result.value);
}

function validateRegistry(file: string, value: unknown): Registry {
  const shapeError = (what: string) =>
    new CaoError(`${file}: ${what}; the file was left untouched`, ExitCode.data, "fix it by hand");
  if (!value || typeof value !== "object" || Array.isArray(value)) throw shapeError("expected a JSON object");
  const record = value as Record<string, unknown>;
  const accounts = record.accounts ?? [];
  if (!Array.isArray(accounts) || accounts.some((a) => typeof a !== "string")) {
    throw shapeError('"accounts" must be a list of names');
  }
  for (const name of accounts as string[]) {
    // A reserved name from before cao refused them still loads: the doctor reports it, `cao remove` takes it.
    const problem = accountNameProblem(name, { allowReserved: true });
    if (problem) throw shapeError(`account ${JSON.stringify(name)} is not a valid name (${problem})`);
  }
  const defaultAccount = record.default_account ?? null;
  if (defaultAccount !== null && typeof defaultAccount !== "string") {
    throw shapeError('"default_account" must be a name or null');
  }
  return { ...record, accounts: [...new Set(accounts as string[])], default_account: defaultAccount };
}

export function requireAccount(registry: Registry, name: string): string {
  if (!registry.accounts.includes(name)) {
    const known = registry.accounts.length ? `known: ${registry.accounts.join(", ")}` : "no accounts yet";
    throw usageError(
      `unknown account ${JSON.stringify(name)} (${known})`,
      registry.accounts.length ? "see `cao list`" : `add it first: \`cao add ${name}\``,
    );
  }
  return name;
}

/**
 * Read-modify-write of the registry under a lock, so concurrent cao processes
 * never lose each other's changes. Also refreshes the shell's plain-text
 * copies (the default account, the list the completions offer).
 */
export function updateRegistry<T>(mutate: (registry: Registry) => T, dir = dataDir()): T {
  ensurePrivateDir(dir);
  return withFileLock(path.join(locksDir(dir), "registry.lock"), () => {
    const registry = loadRegistry(dir);
    const result = mutate(registry);
    writeJsonFile(registryPath(dir), registry, 0o600);
    writeRegistryState(registry, dir);
    return result;
  });
}

/** The registry as shell code reads it (`.state/default`, `.state/accounts`), written after every change. */
export function writeRegistryState(registry: Registry, dir = dataDir()): void {
  writeDefaultAccountState(registry.default_account, dir);
  writeAccountsState(registry.accounts, dir);
}

/**
 * Writes `.state/accounts` when a data dir from before it existed (or from the
 * original project) lacks it, so completions list its accounts; an unreadable
 * registry is left to the commands that need it.
 */
export function ensureAccountsState(dir = dataDir()): void {
  if (fs.existsSync(path.join(stateDir(dir), "accounts")) || !fs.existsSync(registryPath(dir))) return;
  try {
    writeRegistryState(loadRegistry(dir), dir);
  } catch {
    // A corrupt registry completes no names; `cao doctor` and every other command report it.
  }
}
