import { resolveActiveAccount } from "../core/active-account.js";
import { CaoError, usageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { byPriority, type Settings } from "../core/pool-policy.js";
import { loadRegistry, requireAccount } from "../core/registry.js";
import type { RunOptions } from "./options.js";

/**
 * The accounts one pass tries, in order: `--account NAME` (or the account
 * codex would use here: shell choice > directory pin > default) first, then
 * the others in registry order re-sorted by their `priority` (cao.toml).
 * `--no-fallback` keeps only the first. Pauses and reserves are the loop's to
 * skip (it says why).
 */
export function accountOrder(
  options: Pick<RunOptions, "account" | "fallback">,
  settings: Settings,
): string[] {
  const registry = loadRegistry();
  if (registry.accounts.length === 0) {
    throw new CaoError("no accounts yet", ExitCode.failure, "add one with `cao add NAME`");
  }
  let first: string | undefined = options.account;
  if (first !== undefined) requireAccount(registry, first);
  else {
    const active = resolveActiveAccount({ registry });
    if (active && !registry.accounts.includes(active.name)) {
      const from =
        active.source === "shell" ? "$CAO_ACCOUNT" : active.source === "pin" ? active.pinFile : "the default";
      throw usageError(
        `account ${JSON.stringify(active.name)} (from ${from}) is not registered`,
        "see `cao list`; pick another with `cao use NAME`",
      );
    }
    first = active?.name;
  }
  const rest = byPriority(
    registry.accounts.filter((a) => a !== first),
    settings,
  );
  const order = first === undefined ? rest : [first, ...rest];
  return options.fallback ? order : order.slice(0, 1);
}
