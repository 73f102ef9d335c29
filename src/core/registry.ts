import path from "node:path";
import { ensurePrivateDir } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";
import { writeJsonFile } from "./json-file.js";
import { dataDir, locksDir, registryPath } from "./paths.js";
import { loadRegistry, type Registry } from "./registry-read.js";
import { writeDefaultAccountState } from "./state-files.js";

export { loadRegistry, type Registry, requireAccount } from "./registry-read.js";

/**
 * Read-modify-write of the registry under a lock, so concurrent cao processes
 * never lose each other's changes. Also refreshes the shell's plain-text copy
 * of the default account.
 */
export function updateRegistry<T>(mutate: (registry: Registry) => T, dir = dataDir()): T {
  ensurePrivateDir(dir);
  return withFileLock(path.join(locksDir(dir), "registry.lock"), () => {
    const registry = loadRegistry(dir);
    const result = mutate(registry);
    writeJsonFile(registryPath(dir), registry, 0o600);
    writeDefaultAccountState(registry.default_account, dir);
    return result;
  });
}
