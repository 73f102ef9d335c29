import type { FakeAccountSpec } from "./types.js";

const PRIMARY_WINDOW_MINUTES = 300;
const SECONDARY_WINDOW_MINUTES = 7 * 24 * 60;
const DEFAULT_RESET_SECONDS = 3600;

/** One account's quota and usage windows as the backend tracks them. */
export class FakeAccount {
  spec: FakeAccountSpec;
  served = 0;
  /** A used-up-elsewhere account has refused a request: from then on its numbers tell the truth. */
  private revealed = false;
  primaryResetsAtS = 0;
  secondaryResetsAtS = 0;

  constructor(spec: FakeAccountSpec) {
    this.spec = { ...spec };
    this.resetClocks();
  }

  update(patch: Partial<FakeAccountSpec>): void {
    this.spec = { ...this.spec, ...patch };
    if (patch.resetsInSeconds !== undefined) this.resetClocks();
    if (patch.quota !== undefined) {
      this.served = 0;
      this.revealed = false;
    }
  }

  get plan(): string {
    return this.spec.plan ?? "plus";
  }

  /** Why the next model request must be refused, if it must. */
  refusal(): "usage_limit_reached" | "usage_not_included" | undefined {
    if (this.spec.notIncluded) return "usage_not_included";
    if (this.spec.quota !== undefined && this.served >= this.spec.quota) return "usage_limit_reached";
    return undefined;
  }

  /** The refusal the account's numbers admit to: none for one used up elsewhere, until it refused. */
  visibleRefusal(): ReturnType<FakeAccount["refusal"]> {
    return this.spec.usedUpElsewhere && !this.revealed ? undefined : this.refusal();
  }

  primaryUsedPercent(): number {
    const base = this.spec.usedPercent ?? 0;
    if (this.spec.usedUpElsewhere && !this.revealed) return base;
    if (this.visibleRefusal() === "usage_limit_reached") return 100;
    const quota = this.spec.quota;
    // Without an explicit step, an account with a quota climbs evenly to 100 % at its limit.
    const step = this.spec.percentPerRequest ?? (quota ? (100 - base) / quota : 0);
    return Math.min(100, round(base + this.served * step));
  }

  secondaryUsedPercent(): number {
    return this.spec.secondaryUsedPercent ?? 0;
  }

  /** The `x-codex-*` headers chatgpt.com puts on every Codex response. */
  rateLimitHeaders(): Record<string, string> {
    const nowS = Math.floor(Date.now() / 1000);
    return {
      "x-codex-primary-used-percent": String(this.primaryUsedPercent()),
      "x-codex-primary-window-minutes": String(PRIMARY_WINDOW_MINUTES),
      "x-codex-primary-reset-at": String(this.primaryResetsAtS),
      "x-codex-primary-reset-after-seconds": String(Math.max(0, this.primaryResetsAtS - nowS)),
      "x-codex-secondary-used-percent": String(this.secondaryUsedPercent()),
      "x-codex-secondary-window-minutes": String(SECONDARY_WINDOW_MINUTES),
      "x-codex-secondary-reset-at": String(this.secondaryResetsAtS),
      "x-codex-secondary-reset-after-seconds": String(Math.max(0, this.secondaryResetsAtS - nowS)),
      "x-codex-credits-has-credits": "false",
      "x-codex-credits-unlimited": "false",
      "x-codex-credits-balance": "0",
    };
  }

  /** The `codex.rate_limits` stream event. */
  rateLimitsEvent(): Record<string, unknown> {
    return {
      type: "codex.rate_limits",
      plan_type: this.plan,
      rate_limits: {
        allowed: this.visibleRefusal() === undefined,
        limit_reached: this.visibleRefusal() !== undefined,
        primary: window(this.primaryUsedPercent(), PRIMARY_WINDOW_MINUTES, this.primaryResetsAtS),
        secondary: window(this.secondaryUsedPercent(), SECONDARY_WINDOW_MINUTES, this.secondaryResetsAtS),
      },
      credits: { has_credits: false, unlimited: false, balance: "0" },
    };
  }

  /** The 429 body for a refused request. */
  refusalBody(kind: "usage_limit_reached" | "usage_not_included"): Record<string, unknown> {
    this.revealed = true;
    const message =
      kind === "usage_limit_reached"
        ? "The usage limit has been reached"
        : "Codex is not included in your plan";
    const error: Record<string, unknown> = { type: kind, message, plan_type: this.plan };
    if (kind === "usage_limit_reached") {
      error.resets_at = this.primaryResetsAtS;
      error.resets_in_seconds = Math.max(0, this.primaryResetsAtS - Math.floor(Date.now() / 1000));
    }
    return { error };
  }

  private resetClocks(): void {
    const nowS = Math.floor(Date.now() / 1000);
    this.primaryResetsAtS = nowS + (this.spec.resetsInSeconds ?? DEFAULT_RESET_SECONDS);
    this.secondaryResetsAtS = nowS + SECONDARY_WINDOW_MINUTES * 60;
  }
}

function window(usedPercent: number, windowMinutes: number, resetAtS: number): Record<string, number> {
  return { used_percent: usedPercent, window_minutes: windowMinutes, reset_at: resetAtS };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
