import path from "node:path";
import { ensurePrivateDir } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";
import { readJsonFile, writeJsonFile } from "./json-file.js";
import { dataDir, locksDir, statusPath } from "./paths.js";
import type { RateLimits, RateLimitWindow } from "./rate-limits.js";
import { removeAccountState, type UsageLine, usageStateLine, writeUsageState } from "./state-files.js";
import { appendUsage, removeHistory } from "./usage-history.js";
import { warn } from "./warnings.js";

export type { RateLimits, RateLimitWindow } from "./rate-limits.js";

/**
 * One account's signals in `account_status.json`. The first six fields are the
 * original project's; the rest are cao's. Unknown fields are carried through.
 */
export interface AccountStatus {
  lastAttemptAtMs?: number;
  lastSuccessAtMs?: number;
  lastQuotaAtMs?: number;
  cooldownUntilMs?: number;
  consecutiveFailures?: number;
  lastError?: string;
  rateLimits?: RateLimits;
  /** Set when the refresh token is dead (`refresh_token_reused`, ...): needs `cao add --relogin`. */
  authProblem?: string;
  [key: string]: unknown;
}

export type StatusMap = Record<string, AccountStatus>;

const TIMESTAMP_KEYS = ["lastAttemptAtMs", "lastSuccessAtMs", "lastQuotaAtMs", "cooldownUntilMs"] as const;

function positiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

function sanitizeWindow(value: unknown): RateLimitWindow | undefined {
  if (!value || typeof value !== "object") return undefined;
  const w = value as Record<string, unknown>;
  if (typeof w.usedPercent !== "number" || !Number.isFinite(w.usedPercent)) return undefined;
  const out: RateLimitWindow = { usedPercent: w.usedPercent };
  const windowMinutes = positiveInt(w.windowMinutes);
  if (windowMinutes) out.windowMinutes = windowMinutes;
  const resetsAtMs = positiveInt(w.resetsAtMs);
  if (resetsAtMs) out.resetsAtMs = resetsAtMs;
  return out;
}

/** Drops malformed values (hand edits, older versions) instead of failing on them. */
export function sanitizeStatus(value: unknown): AccountStatus {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  const input = value as Record<string, unknown>;
  const out: AccountStatus = { ...input };
  for (const key of TIMESTAMP_KEYS) {
    const v = positiveInt(input[key]);
    if (v === undefined) delete out[key];
    else out[key] = v;
  }
  const failures = input.consecutiveFailures;
  if (typeof failures === "number" && Number.isFinite(failures) && failures >= 0) {
    out.consecutiveFailures = Math.floor(failures);
  } else delete out.consecutiveFailures;
  for (const key of ["lastError", "authProblem"] as const) {
    const text = input[key];
    if (typeof text === "string" && text.trim()) out[key] = text.trim();
    else delete out[key];
  }
  const limits = input.rateLimits as Record<string, unknown> | undefined;
  const observedAtMs = positiveInt(limits?.observedAtMs);
  if (limits && observedAtMs) {
    const primary = sanitizeWindow(limits.primary);
    const secondary = sanitizeWindow(limits.secondary);
    out.rateLimits = { observedAtMs, ...(primary && { primary }), ...(secondary && { secondary }) };
  } else delete out.rateLimits;
  return out;
}

/** Reading is optional: a corrupt file is backed up, reported once, and read as empty. */
export function loadStatuses(dir = dataDir()): StatusMap {
  const file = statusPath(dir);
  const result = readJsonFile(file);
  if (result.kind === "missing") return {};
  if (result.kind === "corrupt") {
    warn(`${file} is not valid JSON; kept a copy at ${result.backupPath} and started fresh`);
    return {};
  }
  const statuses = (result.value as { statuses?: unknown } | null)?.statuses;
  if (!statuses || typeof statuses !== "object") return {};
  const out: StatusMap = {};
  for (const [name, status] of Object.entries(statuses)) out[name] = sanitizeStatus(status);
  return out;
}

/** True while the account is known to be cooling down (out of quota until a reset). */
export function isCoolingDown(status: AccountStatus | undefined, nowMs = Date.now()): boolean {
  return (status?.cooldownUntilMs ?? 0) > nowMs;
}

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
    removeHistory(name, dir);
  });
}
