import type { AccountStatus, RateLimits, StatusMap } from "../core/account-status.js";
import type { UsageLimit } from "./signals.js";
import type { StatusWriter } from "./status-writer.js";

/**
 * Routing policy, shared by every transport (HTTP here, the WebSocket proxy too):
 *
 *   const choice = router.pick(sessionKey, tried)   // account for this request, or undefined
 *   ... send with tokens.credentials(choice.account) ...
 *   router.recordRateLimits(account, limits)        // x-codex-* headers, codex.rate_limits events
 *   router.recordUsageLimit(account, limit)         // 429 usage_limit_reached: cool down, pick again
 *   router.recordSuccess(account) / recordFailure(account, message)
 *   router.exhausted()                              // every account out: earliest reset for the 429
 *
 * `choice.movedFrom` is set when the session was on another account: the
 * transport must then drop `x-codex-turn-state` (it belongs to the old account).
 *
 * Sticky: a session stays on its account (prompt cache) until that account is
 * cooling down, has a dead login, or crossed a proactive threshold while another
 * account is still below it. A new session goes to the account with the most
 * known headroom (10-point steps), and among similar ones to the one whose
 * window resets soonest (its unused quota is lost at the reset anyway).
 */
export interface RouteChoice {
  account: string;
  movedFrom: string | undefined;
}

export interface RouterOptions {
  primaryThreshold: number;
  secondaryThreshold: number;
  /** Cooldown when a usage limit names no reset time. */
  cooldownMs: number;
  /** Why an account cannot serve at all (dead login, unreadable auth.json), from the token manager. */
  problem(account: string): string | undefined;
  /** Called when the account a new session would get changes (the state file follows it). */
  onPreferredChange?(account: string | undefined): void;
}

interface AccountState {
  cooldownUntilMs: number;
  rateLimits: RateLimits | undefined;
  planType: string | undefined;
}

const MAX_SESSIONS = 10_000;

export class Router {
  private readonly state = new Map<string, AccountState>();
  private readonly sessions = new Map<string, string>();
  private preferredAccount: string | undefined;

  constructor(
    private readonly accounts: readonly string[],
    private readonly options: RouterOptions,
    statuses: StatusMap,
    private readonly writer: StatusWriter,
  ) {
    for (const name of accounts) {
      const status: AccountStatus = statuses[name] ?? {};
      this.state.set(name, {
        cooldownUntilMs: status.cooldownUntilMs ?? 0,
        rateLimits: status.rateLimits,
        planType: undefined,
      });
    }
    this.preferredAccount = this.choose(undefined, new Set(), Date.now());
  }

  pick(sessionKey: string | undefined, exclude: ReadonlySet<string> = new Set()): RouteChoice | undefined {
    const now = Date.now();
    const current = sessionKey === undefined ? undefined : this.sessions.get(sessionKey);
    const account = this.choose(current, exclude, now);
    if (account === undefined) return undefined;
    if (sessionKey !== undefined && account !== current) {
      this.sessions.delete(sessionKey);
      this.sessions.set(sessionKey, account);
      if (this.sessions.size > MAX_SESSIONS)
        this.sessions.delete(this.sessions.keys().next().value as string);
    }
    return { account, movedFrom: current !== undefined && current !== account ? current : undefined };
  }

  /** The account a new session (and a new codex launch) would start on. */
  preferred(): string | undefined {
    return this.preferredAccount;
  }

  accountNames(): readonly string[] {
    return this.accounts;
  }

  isCoolingDown(account: string, now = Date.now()): boolean {
    return (this.state.get(account)?.cooldownUntilMs ?? 0) > now;
  }

  coolingAccounts(now = Date.now()): string[] {
    return this.accounts.filter((name) => this.isCoolingDown(name, now));
  }

  recordAttempt(account: string): void {
    const now = Date.now();
    this.writer.queue(account, (s) => ({ ...s, lastAttemptAtMs: now }));
  }

  recordSuccess(account: string): void {
    const now = Date.now();
    // lastError stays: it is the last error seen, and consecutiveFailures 0 says it is over.
    this.writer.queue(account, (s) => ({ ...s, lastSuccessAtMs: now, consecutiveFailures: 0 }));
  }

  recordFailure(account: string, message: string): void {
    this.writer.queue(account, (s) => ({
      ...s,
      lastError: message,
      consecutiveFailures: (s.consecutiveFailures ?? 0) + 1,
    }));
  }

  recordRateLimits(account: string, limits: RateLimits): void {
    const state = this.state.get(account);
    if (!state) return;
    state.rateLimits = { ...state.rateLimits, ...limits };
    const merged = state.rateLimits;
    this.writer.queue(account, (s) => ({ ...s, rateLimits: merged }));
    this.updatePreferred();
  }

  recordUsageLimit(account: string, limit: UsageLimit): void {
    const state = this.state.get(account);
    if (!state) return;
    const now = Date.now();
    const until =
      limit.resetsAtMs !== undefined && limit.resetsAtMs > now
        ? limit.resetsAtMs
        : now + this.options.cooldownMs;
    state.cooldownUntilMs = until;
    state.planType = limit.planType ?? state.planType;
    if (limit.type === "usage_limit_reached") {
      state.rateLimits = {
        ...state.rateLimits,
        observedAtMs: now,
        primary: { ...state.rateLimits?.primary, usedPercent: 100, resetsAtMs: until },
      };
    }
    const limits = state.rateLimits;
    this.writer.queue(account, (s) => ({
      ...s,
      lastQuotaAtMs: now,
      cooldownUntilMs: until,
      lastError: limit.type,
      consecutiveFailures: (s.consecutiveFailures ?? 0) + 1,
      ...(limits && { rateLimits: limits }),
    }));
    this.updatePreferred();
  }

  /** The quota came back early (a `/wham/usage` check said so). */
  clearCooldown(account: string): void {
    const state = this.state.get(account);
    if (!state || state.cooldownUntilMs === 0) return;
    state.cooldownUntilMs = 0;
    this.writer.queue(account, (s) => {
      const { cooldownUntilMs: _dropped, ...rest } = s;
      return rest;
    });
    this.updatePreferred();
  }

  /** A login became usable or unusable: recompute where new sessions go. */
  accountsChanged(): void {
    this.updatePreferred();
  }

  /** When every account is out: the earliest reset and a plan type for Codex's error message. */
  exhausted(): { resetsAtMs: number | undefined; planType: string | undefined } {
    let resetsAtMs: number | undefined;
    let planType: string | undefined;
    for (const name of this.accounts) {
      const state = this.state.get(name);
      if (!state || state.cooldownUntilMs === 0 || this.options.problem(name)) continue;
      if (resetsAtMs === undefined || state.cooldownUntilMs < resetsAtMs) {
        resetsAtMs = state.cooldownUntilMs;
        planType = state.planType;
      }
    }
    return { resetsAtMs, planType };
  }

  private updatePreferred(): void {
    const now = Date.now();
    const next = this.choose(undefined, new Set(), now);
    if (next === this.preferredAccount) return;
    // Equally good accounts (same 10-point headroom bucket) must not swap places on every
    // response because their reset times moved a little: each swap is a state write and a log line.
    const current = this.preferredAccount;
    if (current !== undefined && next !== undefined && this.stillAsGood(current, next, now)) return;
    this.preferredAccount = next;
    this.options.onPreferredChange?.(next);
  }

  private choose(current: string | undefined, exclude: ReadonlySet<string>, now: number): string | undefined {
    const usable = this.accounts.filter(
      (name) => !exclude.has(name) && !this.isCoolingDown(name, now) && !this.options.problem(name),
    );
    if (usable.length === 0) return undefined;
    if (current !== undefined && usable.includes(current) && !this.overThreshold(current, now))
      return current;
    const ranked = usable
      .map((name, order) => ({
        name,
        order,
        over: this.overThreshold(name, now),
        ...this.headroom(name, now),
      }))
      .sort(
        (a, b) =>
          Number(a.over) - Number(b.over) ||
          Math.floor(b.headroom / 10) - Math.floor(a.headroom / 10) ||
          a.resetsAtMs - b.resetsAtMs ||
          a.order - b.order,
      );
    const best = ranked[0]!;
    // Everything is past its threshold: moving would lose the prompt cache for nothing.
    if (best.over && current !== undefined && usable.includes(current)) return current;
    return best.name;
  }

  private usedPercent(account: string, which: "primary" | "secondary", now: number): number {
    const window = this.state.get(account)?.rateLimits?.[which];
    if (!window) return 0;
    // A window that has reset since we saw it starts from zero again.
    if (window.resetsAtMs !== undefined && window.resetsAtMs <= now) return 0;
    return window.usedPercent;
  }

  private overThreshold(account: string, now: number): boolean {
    return (
      this.usedPercent(account, "primary", now) >= this.options.primaryThreshold ||
      this.usedPercent(account, "secondary", now) >= this.options.secondaryThreshold
    );
  }

  private stillAsGood(current: string, next: string, now: number): boolean {
    if (
      this.isCoolingDown(current, now) ||
      this.options.problem(current) ||
      this.overThreshold(current, now)
    ) {
      return false;
    }
    const bucket = (name: string) => Math.floor(this.headroom(name, now).headroom / 10);
    return bucket(current) >= bucket(next);
  }

  private headroom(account: string, now: number): { headroom: number; resetsAtMs: number } {
    const limits = this.state.get(account)?.rateLimits;
    // Known room beats unknown room; with nothing known at all, registry order decides.
    if (!limits?.primary && !limits?.secondary) return { headroom: -1, resetsAtMs: Number.POSITIVE_INFINITY };
    const headroom = Math.min(
      this.options.primaryThreshold - this.usedPercent(account, "primary", now),
      this.options.secondaryThreshold - this.usedPercent(account, "secondary", now),
    );
    const reset = this.state.get(account)?.rateLimits?.primary?.resetsAtMs;
    return { headroom, resetsAtMs: reset !== undefined && reset > now ? reset : Number.POSITIVE_INFINITY };
  }
}
