import type { RateLimits, RateLimitWindow } from "../core/account-status.js";

/**
 * Reading Codex's quota signals (docs/codex-notes.md, "Quota and rate-limit signals"):
 * `x-codex-primary|secondary-*` response headers, `codex.rate_limits` stream
 * events, `/wham/usage` answers and the 429 usage-limit error body.
 */
type HeaderValue = string | string[] | undefined;
export type HeaderBag = Record<string, HeaderValue>;

const first = (value: HeaderValue): string | undefined => (Array.isArray(value) ? value[0] : value);

function finite(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

function headerWindow(headers: HeaderBag, which: "primary" | "secondary"): RateLimitWindow | undefined {
  const usedPercent = finite(first(headers[`x-codex-${which}-used-percent`]));
  if (usedPercent === undefined) return undefined;
  const window: RateLimitWindow = { usedPercent };
  const minutes = finite(first(headers[`x-codex-${which}-window-minutes`]));
  if (minutes !== undefined && minutes > 0) window.windowMinutes = minutes;
  const resetAt = finite(first(headers[`x-codex-${which}-reset-at`]));
  if (resetAt !== undefined && resetAt > 0) window.resetsAtMs = resetAt * 1000;
  return window;
}

export function rateLimitsFromHeaders(headers: HeaderBag, nowMs = Date.now()): RateLimits | undefined {
  const primary = headerWindow(headers, "primary");
  const secondary = headerWindow(headers, "secondary");
  if (!primary && !secondary) return undefined;
  return { observedAtMs: nowMs, ...(primary && { primary }), ...(secondary && { secondary }) };
}

function eventWindow(value: unknown): RateLimitWindow | undefined {
  if (!value || typeof value !== "object") return undefined;
  const w = value as Record<string, unknown>;
  const usedPercent = finite(w.used_percent);
  if (usedPercent === undefined) return undefined;
  const window: RateLimitWindow = { usedPercent };
  const minutes = finite(w.window_minutes);
  if (minutes !== undefined && minutes > 0) window.windowMinutes = minutes;
  const resetAt = finite(w.reset_at ?? w.resets_at);
  if (resetAt !== undefined && resetAt > 0) window.resetsAtMs = resetAt * 1000;
  return window;
}

/** A `{"type":"codex.rate_limits","rate_limits":{...}}` event (SSE data or WebSocket frame). */
export function rateLimitsFromEvent(event: unknown, nowMs = Date.now()): RateLimits | undefined {
  if (!event || typeof event !== "object") return undefined;
  const record = event as Record<string, unknown>;
  if (record.type !== "codex.rate_limits") return undefined;
  const limits = record.rate_limits as Record<string, unknown> | undefined;
  const primary = eventWindow(limits?.primary);
  const secondary = eventWindow(limits?.secondary);
  if (!primary && !secondary) return undefined;
  return { observedAtMs: nowMs, ...(primary && { primary }), ...(secondary && { secondary }) };
}

function usageWindow(value: unknown, nowMs: number): RateLimitWindow | undefined {
  if (!value || typeof value !== "object") return undefined;
  const w = value as Record<string, unknown>;
  const usedPercent = finite(w.used_percent);
  if (usedPercent === undefined) return undefined;
  const window: RateLimitWindow = { usedPercent };
  const seconds = finite(w.limit_window_seconds);
  if (seconds !== undefined && seconds > 0) window.windowMinutes = Math.round(seconds / 60);
  const resetAt = finite(w.reset_at);
  const resetAfter = finite(w.reset_after_seconds);
  if (resetAt !== undefined && resetAt > 0) window.resetsAtMs = resetAt * 1000;
  else if (resetAfter !== undefined) window.resetsAtMs = nowMs + resetAfter * 1000;
  return window;
}

export interface UsageReport {
  limits: RateLimits | undefined;
  /** False when the backend says the account cannot be used right now. */
  available: boolean;
}

/** A `GET /backend-api/wham/usage` answer. */
export function parseUsageReport(body: unknown, nowMs = Date.now()): UsageReport | undefined {
  if (!body || typeof body !== "object") return undefined;
  const rate = (body as Record<string, unknown>).rate_limit as Record<string, unknown> | undefined;
  if (!rate || typeof rate !== "object") return undefined;
  const primary = usageWindow(rate.primary_window, nowMs);
  const secondary = usageWindow(rate.secondary_window, nowMs);
  const limits =
    primary || secondary
      ? { observedAtMs: nowMs, ...(primary && { primary }), ...(secondary && { secondary }) }
      : undefined;
  return { limits, available: rate.allowed !== false && rate.limit_reached !== true };
}

export interface UsageLimit {
  type: "usage_limit_reached" | "usage_not_included";
  resetsAtMs: number | undefined;
  planType: string | undefined;
}

/** The body of a 429 that means "this account is out", as opposed to a generic rate limit. */
export function parseUsageLimit(bodyText: string): UsageLimit | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error !== "object") return undefined;
  const type = error.type ?? error.code;
  if (type !== "usage_limit_reached" && type !== "usage_not_included") return undefined;
  const resetsAt = finite(error.resets_at);
  const resetsIn = finite(error.resets_in_seconds);
  return {
    type,
    resetsAtMs:
      resetsAt !== undefined && resetsAt > 0
        ? resetsAt * 1000
        : resetsIn !== undefined
          ? Date.now() + resetsIn * 1000
          : undefined,
    planType: typeof error.plan_type === "string" ? error.plan_type : undefined,
  };
}

/** What Codex shows when every account is out: its own usage-limit error, with the earliest reset. */
export function usageLimitBody(resetsAtMs: number | undefined, planType = "plus"): string {
  return JSON.stringify({
    error: {
      type: "usage_limit_reached",
      message: "The usage limit has been reached on every account cao can use",
      plan_type: planType,
      ...(resetsAtMs !== undefined && { resets_at: Math.ceil(resetsAtMs / 1000) }),
    },
  });
}
