import type { FakeAccount } from "./accounts.js";

/** The body of `GET /backend-api/wham/usage` for one account. */
export function usageBody(account: FakeAccount): Record<string, unknown> {
  const nowS = Math.floor(Date.now() / 1000);
  const window = (usedPercent: number, seconds: number, resetAtS: number) => ({
    used_percent: usedPercent,
    limit_window_seconds: seconds,
    reset_after_seconds: Math.max(0, resetAtS - nowS),
    reset_at: resetAtS,
  });
  const refusal = account.visibleRefusal();
  return {
    plan_type: account.plan,
    rate_limit: {
      allowed: refusal === undefined,
      limit_reached: refusal !== undefined,
      primary_window: window(account.primaryUsedPercent(), 5 * 3600, account.primaryResetsAtS),
      secondary_window: window(account.secondaryUsedPercent(), 7 * 24 * 3600, account.secondaryResetsAtS),
    },
    credits: { has_credits: false, unlimited: false, balance: "0" },
  };
}
