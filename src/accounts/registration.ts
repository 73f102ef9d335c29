import { usageError } from "../core/errors.js";
import { dataDir } from "../core/paths.js";
import { type Registry, updateRegistry } from "../core/registry.js";

/** The registered name that equals `name` ignoring case (a clash on case-insensitive file systems). */
export function caseClash(registry: Registry, name: string): string | undefined {
  const lower = name.toLowerCase();
  return registry.accounts.find((existing) => existing.toLowerCase() === lower);
}

/**
 * Registers a new name under the registry lock, so two `cao add` of one name
 * cannot both win. The first account becomes the default. Returns whether it did.
 */
export function claimAccountName(name: string, dir = dataDir()): boolean {
  return updateRegistry((registry) => {
    const clash = caseClash(registry, name);
    if (clash === name) throw accountExists(name);
    if (clash) {
      throw usageError(
        `account ${JSON.stringify(name)} would clash with ${JSON.stringify(clash)} (names differ only in case)`,
        "pick another name",
      );
    }
    registry.accounts.push(name);
    if (!registry.default_account) registry.default_account = name;
    return registry.default_account === name;
  }, dir);
}

/**
 * Drops an account from the registry. If it was the default, the default
 * moves to the account after it (or before it, when it was last), or none.
 * Returns the default afterwards.
 */
export function unregisterAccount(name: string, dir = dataDir()): string | null {
  return updateRegistry((registry) => {
    const index = registry.accounts.indexOf(name);
    if (index === -1) return registry.default_account;
    registry.accounts.splice(index, 1);
    if (registry.default_account === name) {
      registry.default_account = registry.accounts[index] ?? registry.accounts[index - 1] ?? null;
    }
    return registry.default_account;
  }, dir);
}

/** `cao add` of a name that is taken: the fix the user wants is usually a new login for it. */
export function accountExists(name: string) {
  return usageError(
    `account ${JSON.stringify(name)} already exists`,
    `log it in again with \`cao add ${name} --relogin\`, or see \`cao list\``,
  );
}
