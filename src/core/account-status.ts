import path from "node:path";
import { type AccountStatus, loadStatuses, type RateLimits, sanitizeStatus } from "./account-status-read.js";
import { ensurePrivateDir } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";
import { writeJsonFile } from "./json-file.js";
import { dataDir, locksDir, statusPath } from "./paths.js";
import { removeAccountState, type UsageLine, usageStateLine, writeUsageState } from "./state-files.js";

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
    // Only when the shell-visible figures change: rateLimits also carries observedAtMs, new on every
    // response, and a rewrite per status flush would be pure disk work.
    const line = next.rateLimits && usageStateLine(usageOf(next.rateLimits));
    if (line && line !== (previous.rateLimits && usageStateLine(usageOf(previous.rateLimits))))
      writeUsageState(name, line, dir);
    return next;
  });
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
  });
}
