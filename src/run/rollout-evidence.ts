import fs from "node:fs";
import type { RateLimits, RateLimitWindow } from "../core/account-status.js";
import { classifyCodexMessage, type QuotaSignal } from "./quota-signal.js";

/**
 * What one session rollout file (`sessions/YYYY/MM/DD/rollout-*.jsonl`, one
 * JSON record per line) says happened since a run started. Codex writes it in
 * interactive use too, so it is read after codex exits, without ever putting a
 * pipe between codex and the terminal.
 */
export interface RolloutEvidence {
  file: string;
  sessionId?: string;
  /** `creator_account_id` of the session: the ChatGPT account that started it. */
  creatorAccountId?: string;
  /** Turns that ended since the run started. */
  turnsEnded: number;
  /** Set when the last of those turns ended on a usage limit (`codex_error_info: "usage_limit_exceeded"`). */
  quota?: QuotaSignal;
  /** The last rate-limit snapshot Codex recorded since the run started. */
  rateLimits?: RateLimits;
  lastRecordAtMs: number;
}

interface RolloutRecord {
  timestamp?: unknown;
  type?: unknown;
  payload?: Record<string, unknown>;
}

export function readRolloutEvidence(file: string, sinceMs: number): RolloutEvidence | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined; // gone (archived, deleted) since it was listed
  }
  return rolloutEvidenceFromText(file, text, sinceMs);
}

export function rolloutEvidenceFromText(file: string, text: string, sinceMs: number): RolloutEvidence {
  const evidence: RolloutEvidence = { file, turnsEnded: 0, lastRecordAtMs: 0 };
  let lastLimits: RateLimits | undefined;
  for (const line of text.split("\n")) {
    // Most lines are transcript; only these two kinds of record matter (and parsing is the cost).
    if (!line.includes('"session_meta"') && !line.includes('"event_msg"')) continue;
    const record = parseRecord(line);
    if (!record?.payload) continue;
    if (record.type === "session_meta") {
      readSessionMeta(record.payload, evidence);
      continue;
    }
    const atMs = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : Number.NaN;
    if (record.type !== "event_msg" || !(atMs >= sinceMs)) continue;
    evidence.lastRecordAtMs = atMs;
    const payload = record.payload;
    if (payload.type === "token_count") {
      lastLimits = rateLimitsFrom(payload.rate_limits, atMs) ?? lastLimits;
      if (lastLimits && isCodexLimit(payload.rate_limits)) evidence.rateLimits = lastLimits;
    } else if (payload.type === "task_complete" || payload.type === "turn_aborted") {
      evidence.turnsEnded++;
      const quota = quotaFromTurnEnd(payload, atMs, lastLimits);
      if (quota) evidence.quota = quota;
      else delete evidence.quota;
    }
  }
  return evidence;
}

function parseRecord(line: string): RolloutRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === "object" ? (value as RolloutRecord) : undefined;
  } catch {
    return undefined; // a line being written while we read
  }
}

function readSessionMeta(payload: Record<string, unknown>, evidence: RolloutEvidence): void {
  if (evidence.sessionId !== undefined) return; // the first session_meta is the session's own
  if (typeof payload.id === "string") evidence.sessionId = payload.id;
  if (typeof payload.creator_account_id === "string") evidence.creatorAccountId = payload.creator_account_id;
}

function quotaFromTurnEnd(
  payload: Record<string, unknown>,
  atMs: number,
  limits: RateLimits | undefined,
): QuotaSignal | undefined {
  const error = payload.error as { message?: unknown; codex_error_info?: unknown } | undefined;
  if (error?.codex_error_info !== "usage_limit_exceeded" || typeof error.message !== "string")
    return undefined;
  // "usage_limit_exceeded" covers both a used-up window and a plan without Codex;
  // Codex's message tells which, and carries its "try again at" time.
  const signal = classifyCodexMessage(error.message, atMs, "rollout") ?? {
    kind: "usage-limit",
    message: error.message,
    source: "rollout",
  };
  const exhaustedReset = latestExhaustedReset(limits);
  // The seconds-exact reset of the window that ran out beats the minute Codex printed.
  if (exhaustedReset !== undefined) signal.resetsAtMs = exhaustedReset;
  if (limits) signal.rateLimits = limits;
  return signal;
}

function latestExhaustedReset(limits: RateLimits | undefined): number | undefined {
  const resets = [limits?.primary, limits?.secondary]
    .filter((w): w is RateLimitWindow => w !== undefined && w.usedPercent >= 100)
    .map((w) => w.resetsAtMs)
    .filter((ms): ms is number => ms !== undefined);
  return resets.length > 0 ? Math.max(...resets) : undefined;
}

/** Codex's account-wide limits; other limit ids are per-model limits. */
function isCodexLimit(value: unknown): boolean {
  const id = (value as { limit_id?: unknown } | null)?.limit_id;
  return id === undefined || id === null || id === "codex";
}

function rateLimitsFrom(value: unknown, observedAtMs: number): RateLimits | undefined {
  if (!value || typeof value !== "object") return undefined;
  const raw = value as Record<string, unknown>;
  const primary = windowFrom(raw.primary);
  const secondary = windowFrom(raw.secondary);
  if (!primary && !secondary) return undefined;
  return { observedAtMs, ...(primary && { primary }), ...(secondary && { secondary }) };
}

function windowFrom(value: unknown): RateLimitWindow | undefined {
  if (!value || typeof value !== "object") return undefined;
  const raw = value as Record<string, unknown>;
  if (typeof raw.used_percent !== "number" || !Number.isFinite(raw.used_percent)) return undefined;
  const window: RateLimitWindow = { usedPercent: raw.used_percent };
  if (typeof raw.window_minutes === "number" && raw.window_minutes > 0)
    window.windowMinutes = raw.window_minutes;
  if (typeof raw.resets_at === "number" && raw.resets_at > 0) window.resetsAtMs = raw.resets_at * 1000;
  return window;
}
