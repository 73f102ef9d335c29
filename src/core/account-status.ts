import path from "node:path";
import { type AccountStatus, loadStatuses, sanitizeStatus } from "./account-status-read.js";
import { ensurePrivateDir } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";
import { writeJsonFile } from "./json-file.js";
import { dataDir, locksDir, statusPath } from "./paths.js";
import { removeAccountState, writeUsageState } from "./state-files.js";
import { appendUsage, removeHistory } from "./usage-history.js";
import { warn } from "./warnings.js";

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
  ensurePrivateDir(dir);
  return withFileLock(path.join(locksDir(dir), "status.lock"), () => {
    const statuses = loadStatuses(dir);
    const previous = statuses[name] ?? {};
    const next = sanitizeStatus(updater({ ...previous }));
    statuses[name] = next;
    writeJsonFile(statusPath(dir), { statuses }, 0o600, STATUS_WRITES_DURABLE);
    if (next.rateLimits && next.rateLimits.observedAtMs !== previous.rateLimits?.observedAtMs) {
      try {
        appendUsage(name, next.rateLimits, dir);
      } catch (error) {
        // The history is a record, not a signal: losing one sample must not fail the update.
        warn(
          `could not record the usage history of ${name}: ${error instanceof Error ? error.message : error}`,
        );
      }
    }
    if (next.rateLimits && JSON.stringify(next.rateLimits) !== JSON.stringify(previous.rateLimits)) {
      writeUsageState(
        name,
        {
          primaryUsedPercent: next.rateLimits.primary?.usedPercent,
          primaryResetsAtMs: next.rateLimits.primary?.resetsAtMs,
          secondaryUsedPercent: next.rateLimits.secondary?.usedPercent,
          secondaryResetsAtMs: next.rateLimits.secondary?.resetsAtMs,
        },
        dir,
      );
    }
    return next;
  });
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
  });
}
