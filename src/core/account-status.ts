import { readJsonFile } from "./json-file.js";
import { dataDir, statusPath } from "./paths.js";
import type { RateLimits, RateLimitWindow } from "./rate-limits.js";
import { warn } from "./warnings.js";

export type { RateLimits, RateLimitWindow } from "./rate-limits.js";

/**
 * The status store's read side (writes: core/status-update.ts).
 *
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
  /** The last conversation `cao run` moved to or from this account after a usage limit. */
  lastSessionMove?: SessionMove;
  [key: string]: unknown;
}

export type StatusMap = Record<string, AccountStatus>;

/** A session that ran out on `from` and was resumed by id on `to`. */
export interface SessionMove {
  sessionId: string;
  from: string;
  to: string;
  atMs: number;
}

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

/** The status's session move if it is well formed (the file may be hand-edited). */
export function sessionMoveOf(status: AccountStatus): SessionMove | undefined {
  const m = status.lastSessionMove as Partial<SessionMove> | undefined;
  const ok =
    m &&
    typeof m.sessionId === "string" &&
    typeof m.from === "string" &&
    typeof m.to === "string" &&
    typeof m.atMs === "number";
  return ok ? (m as SessionMove) : undefined;
}
