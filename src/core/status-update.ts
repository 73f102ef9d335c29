import path from "node:path";
import { type AccountStatus, loadStatuses, sanitizeStatus } from "./account-status.js";
import { ensurePrivateDir } from "./atomic-write.js";
import { CaoError } from "./errors.js";
import { type LockOptions, withFileLock } from "./file-lock.js";
import { writeJsonFile } from "./json-file.js";
import { dataDir, locksDir, statusPath } from "./paths.js";
import type { Settings } from "./pool-policy.js";
import { refreshPoolState } from "./pool-state.js";
import type { RateLimits } from "./rate-limits.js";
import { loadSettings } from "./settings.js";
import { removeAccountState, type UsageLine, usageStateLine, writeUsageState } from "./state-files.js";
import { appendUsage, removeHistory } from "./usage-history.js";
import { warn } from "./warnings.js";

/**
 * The status store's write side: every change to `account_status.json` goes
 * through here, and so do the files derived from it (the shell's
 * `.state/usage/<account>` and `.state/pool` lines, the usage history).
 * It loads the TOML parser (for the pool line), so the read side
 * (account-status.ts) stays apart for the start-up paths that only read.
 */

/**
 * The status file is a cache of signals (a torn write after a power loss is
 * backed up and started fresh), so its writes skip fsync: they sit on the
 * `cao run` start-up path.
 */
const STATUS_WRITES_DURABLE = false;

/**
 * Updates one account's status under the store lock (read, change, write
 * atomically), so 20 processes updating at once lose nothing.
 */
export function updateAccountStatus(
  name: string,
  updater: (previous: AccountStatus) => AccountStatus,
  dir = dataDir(),
): AccountStatus {
  return updateAccountStatuses(new Map([[name, updater]]), dir).get(name) as AccountStatus;
}

/**
 * Several accounts' updates under one lock. `lock.timeoutMs: 0` never waits:
 * a busy lock throws LockBusyError and nothing is written (the gateway keeps
 * the changes and tries again later instead of freezing its event loop).
 */
export function updateAccountStatuses(
  updates: Map<string, (previous: AccountStatus) => AccountStatus>,
  dir = dataDir(),
  lock: LockOptions = {},
): Map<string, AccountStatus> {
  ensurePrivateDir(dir);
  const changes: [string, AccountStatus, AccountStatus][] = [];
  const results = withFileLock(
    path.join(locksDir(dir), "status.lock"),
    () => {
      const statuses = loadStatuses(dir);
      const updated = new Map<string, AccountStatus>();
      for (const [name, updater] of updates) {
        const previous = statuses[name] ?? {};
        const next = sanitizeStatus(updater({ ...previous }));
        statuses[name] = next;
        updated.set(name, next);
        changes.push([name, previous, next]);
      }
      writeJsonFile(statusPath(dir), { statuses }, 0o600, STATUS_WRITES_DURABLE);
      for (const [name, previous, next] of changes) writeUsageLine(name, previous, next, dir);
      // Under the lock, like the usage lines: the last line written is made from the last statuses.
      // Most updates only stamp an attempt or a success: the pool's figure cannot have moved.
      if (changes.some(([, previous, next]) => changesPool(previous, next))) poolStateFromDisk(dir);
      return updated;
    },
    lock,
  );
  // Outside the status lock (the history has its own): 20 processes updating at once stay quick.
  for (const [name, previous, next] of changes) appendHistory(name, previous, next, dir);
  return results;
}

/** The usage history gets a sample whenever an update brought new rate limits. */
function appendHistory(name: string, previous: AccountStatus, next: AccountStatus, dir: string): void {
  if (!next.rateLimits || next.rateLimits.observedAtMs === previous.rateLimits?.observedAtMs) return;
  try {
    appendUsage(name, next.rateLimits, dir);
  } catch (error) {
    // The history is a record, not a signal: losing one sample must not fail the update.
    warn(`could not record the usage history of ${name}: ${error instanceof Error ? error.message : error}`);
  }
}

/**
 * The shell's usage line, only when its figures change: rateLimits also carries observedAtMs, new on
 * every response, and a rewrite per status flush would be pure disk work.
 */
function writeUsageLine(name: string, previous: AccountStatus, next: AccountStatus, dir: string): void {
  const line = next.rateLimits && usageStateLine(usageOf(next.rateLimits));
  if (line && line !== (previous.rateLimits && usageStateLine(usageOf(previous.rateLimits))))
    writeUsageState(name, line, dir);
}

function usageOf(limits: RateLimits): UsageLine {
  return {
    primaryUsedPercent: limits.primary?.usedPercent,
    primaryResetsAtMs: limits.primary?.resetsAtMs,
    secondaryUsedPercent: limits.secondary?.usedPercent,
    secondaryResetsAtMs: limits.secondary?.resetsAtMs,
  };
}

export function deleteAccountStatus(name: string, dir = dataDir()): void {
  ensurePrivateDir(dir);
  withFileLock(path.join(locksDir(dir), "status.lock"), () => {
    const statuses = loadStatuses(dir);
    if (name in statuses) {
      delete statuses[name];
      writeJsonFile(statusPath(dir), { statuses }, 0o600, STATUS_WRITES_DURABLE);
    }
    removeAccountState(name, dir);
    removeHistory(name, dir);
    poolStateFromDisk(dir);
  });
}

/** After a change the status store does not see (a new login): the pool line, as every update writes it. */
export function refreshPoolLine(dir = dataDir()): void {
  poolStateFromDisk(dir, false);
}

/** Whether the update touched what the pool's headroom is made of: usage figures, cooldown, login. */
function changesPool(previous: AccountStatus, next: AccountStatus): boolean {
  const usage = (s: AccountStatus) => (s.rateLimits ? usageStateLine(usageOf(s.rateLimits)) : "");
  return (
    usage(previous) !== usage(next) ||
    previous.cooldownUntilMs !== next.cooldownUntilMs ||
    previous.authProblem !== next.authProblem
  );
}

/**
 * Rewrites `.state/pool` from the files as they are now (accounts, logins,
 * statuses, cao.toml). A cao.toml that does not parse leaves the line as it
 * was: the command that reads the file says what is wrong with it.
 */
function poolStateFromDisk(dir: string, underStatusLock = true): void {
  let settings: Settings;
  try {
    settings = loadSettings(dir);
  } catch (error) {
    if (error instanceof CaoError) return;
    throw error;
  }
  refreshPoolState(settings, dir, { underStatusLock });
}
