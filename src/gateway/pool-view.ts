import type { RateLimits, RateLimitWindow } from "../core/rate-limits.js";
import type { Router } from "./router.js";

/**
 * What Codex is shown of quota (docs/tui.md "Codex's own quota view"): the
 * account its next turn goes to. While the account that served a turn can
 * serve the next one, that is its own figures, passed on untouched; once it
 * ran out (or passed its threshold) and another account takes over, Codex is
 * shown that account's, so it neither warns about a limit the pool does not
 * have nor offers or makes a model switch. When no account can serve, the
 * real figures stand: the limit is real then.
 */
export function poolViewAccount(router: Router, account: string): string | undefined {
  const next = router.nextFor(account);
  return next !== undefined && next !== account ? next : undefined;
}

/** A `codex.rate_limits` event with `limits` (another account's) in place of the ones it carried. */
export function rateLimitsEventWith(
  event: Record<string, unknown>,
  limits: RateLimits,
): Record<string, unknown> {
  const window = (w: RateLimitWindow | undefined) =>
    w && {
      used_percent: w.usedPercent,
      ...(w.windowMinutes !== undefined && { window_minutes: w.windowMinutes }),
      ...(w.resetsAtMs !== undefined && { reset_at: Math.round(w.resetsAtMs / 1000) }),
    };
  const original = (event.rate_limits ?? {}) as Record<string, unknown>;
  return {
    ...event,
    rate_limits: {
      ...original,
      allowed: true,
      limit_reached: false,
      primary: window(limits.primary) ?? null,
      secondary: window(limits.secondary) ?? null,
    },
  };
}
