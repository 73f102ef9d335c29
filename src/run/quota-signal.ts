import type { RateLimits } from "../core/account-status.js";
import { parseResetTime } from "./reset-time.js";

/**
 * Why a codex run ended for lack of quota, as Codex itself reported it:
 * `usage-limit` (the account's 5-hour or weekly window is used up) or `plan`
 * (the plan does not include Codex: "usage_not_included").
 */
export interface QuotaSignal {
  kind: "usage-limit" | "plan";
  /** Codex's own message (it names no secret). */
  message: string;
  /** When the account can be used again, as Codex reported it. */
  resetsAtMs?: number;
  rateLimits?: RateLimits;
  source: "rollout" | "stderr";
}

// Codex 0.169's wordings (codex-rs UsageLimitReachedError and the usage_not_included
// text). The apostrophe is U+2019; older Codex releases printed a straight one.
const USAGE_LIMIT = /^You[’']ve hit your usage limit\b/;
const PLAN_NOT_INCLUDED = /^To use Codex with your ChatGPT plan, upgrade to Plus: \S+\.$/;
const RETRY_AT = /[Tt]ry again at (.+)\.$/;

/**
 * Reads one of Codex's own error messages. Anything else (the model talking
 * about quotas, a code listing) is not a signal.
 */
export function classifyCodexMessage(
  message: string,
  printedAtMs: number,
  source: QuotaSignal["source"],
): QuotaSignal | undefined {
  const text = message.trim();
  if (PLAN_NOT_INCLUDED.test(text)) return { kind: "plan", message: text, source };
  if (!USAGE_LIMIT.test(text)) return undefined;
  const signal: QuotaSignal = { kind: "usage-limit", message: text, source };
  const retryAt = RETRY_AT.exec(text)?.[1];
  const resetsAtMs = retryAt === undefined ? undefined : parseResetTime(retryAt, printedAtMs);
  if (resetsAtMs !== undefined) signal.resetsAtMs = resetsAtMs;
  return signal;
}
