import { loadStatuses } from "../core/account-status.js";
import { resolveActiveAccount } from "../core/active-account.js";
import { CaoError, usageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { DEFAULT_THRESHOLDS, type Settings, spendOrder } from "../core/pool-policy.js";
import { loadRegistry, requireAccount } from "../core/registry.js";
import type { RunOptions } from "./options.js";

/**
 * The accounts one pass tries, in order: the account this run is for first
 * (`--account NAME`, else the active account as `cao current` resolves it:
 * `cao use --shell`, a directory pin, the default from `cao use NAME`: the
 * account a plain `codex` would run on, so `cao use work && cao run` starts on
 * work), then the rest in the pool's spend order, the same rule the gateway
 * starts new sessions by (priority, then `routing.strategy`, from the last
 * known usage). `--no-fallback` keeps only the first. Pauses, reserves and cooldowns are the loop's to skip (it
 * says why).
 */
export function accountOrder(
  options: Pick<RunOptions, "account" | "fallback">,
  settings: Settings,
  now = Date.now(),
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
  const statuses = loadStatuses();
  const rest = spendOrder(
    registry.accounts.filter((a) => a !== first),
    settings,
    (name) => statuses[name]?.rateLimits,
    DEFAULT_THRESHOLDS,
    now,
  );
  const order = first === undefined ? rest : [first, ...rest];
  return options.fallback ? order : order.slice(0, 1);
}
