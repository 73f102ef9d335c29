import path from "node:path";
import { type AccountStatus, loadStatuses, sanitizeStatus } from "./account-status-read.js";
import { ensurePrivateDir } from "./atomic-write.js";
import { type LockOptions, withFileLock } from "./file-lock.js";
import { writeJsonFile } from "./json-file.js";
import { dataDir, locksDir, statusPath } from "./paths.js";
import { removeAccountState, writeUsageState } from "./state-files.js";

export {
  type AccountStatus,
  isCoolingDown,
  loadStatuses,
  type RateLimits,
  type RateLimitWindow,
  type StatusMap,
  sanitizeStatus,
} from "./account-status-read.js";

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
  return withFileLock(
    path.join(locksDir(dir), "status.lock"),
    () => {
      const statuses = loadStatuses(dir);
      const results = new Map<string, AccountStatus>();
      const changedUsage: [string, AccountStatus][] = [];
      for (const [name, updater] of updates) {
        const previous = statuses[name] ?? {};
        const next = sanitizeStatus(updater({ ...previous }));
        statuses[name] = next;
        results.set(name, next);
        if (next.rateLimits && JSON.stringify(next.rateLimits) !== JSON.stringify(previous.rateLimits)) {
          changedUsage.push([name, next]);
        }
      }
      writeJsonFile(statusPath(dir), { statuses }, 0o600, STATUS_WRITES_DURABLE);
      for (const [name, next] of changedUsage) {
        writeUsageState(
          name,
          {
            primaryUsedPercent: next.rateLimits?.primary?.usedPercent,
            primaryResetsAtMs: next.rateLimits?.primary?.resetsAtMs,
            secondaryUsedPercent: next.rateLimits?.secondary?.usedPercent,
            secondaryResetsAtMs: next.rateLimits?.secondary?.resetsAtMs,
          },
          dir,
        );
      }
      return results;
    },
    lock,
  );
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
  });
}
