import type { AccountStatus, RateLimits, RateLimitWindow, StatusMap } from "../core/account-status.js";
import {
  accountHeadroom,
  blockedUntil,
  blockReason,
  defaultSettings,
  overThreshold,
  type Settings,
  spendOrder,
  type Thresholds,
} from "../core/pool-policy.js";
import type { UsageLimit } from "./signals.js";
import type { StatusWriter } from "./status-writer.js";

/**
 * Routing policy, shared by every transport through failover.ts (and the
 * WebSocket session's moves between requests):
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
 * account is still below it, or was paused or reached its reserve (cao.toml).
 * A new session goes to the first usable account of the pool's spend order
 * (`spendOrder` in core/pool-policy.ts: priority, then routing.strategy), the
 * same order `cao run` tries accounts in.
 */
export interface RouteChoice {
  account: string;
  movedFrom: string | undefined;
  /** Why the session left `movedFrom` (for the sessions record and the log). */
  reason: string | undefined;
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
  /** Pauses, reserves, priorities and strategy (cao.toml), read fresh on every pick. */
  settings?(): Settings;
  /** A session moved to another account (the sessions record). */
  onMove?(session: string, from: string, to: string, reason: string): void;
  /** Usage, cooldowns or logins changed (the notifier looks a moment later). */
  onStateChange?(): void;
  /** A model request was sent on `account` (the sessions record). */
  onServe?(account: string, served: Served): void;
}

/** What the transport knows about a request it sends, for the sessions record. */
export interface Served {
  session: string | undefined;
  turn: string | null;
  transport: "http" | "websocket";
}

interface AccountState {
  cooldownUntilMs: number;
  rateLimits: RateLimits | undefined;
  planType: string | undefined;
  /** When rate limits were last recorded in full (queued for the store, routing recomputed). */
  limitsRecordedAtMs: number;
}

/**
 * Every response repeats the account's rate limits (headers and a stream
 * event), mostly unchanged: then recording them again changes nothing but
 * `observedAtMs`, which is refreshed at most this often.
 */
const UNCHANGED_LIMITS_REFRESH_MS = 1000;

const MAX_SESSIONS = 10_000;
const DEFAULTS = defaultSettings();

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
        limitsRecordedAtMs: 0,
      });
    }
    this.preferredAccount = this.choose(undefined, new Set(), Date.now());
  }

  pick(sessionKey: string | undefined, exclude: ReadonlySet<string> = new Set()): RouteChoice | undefined {
    const now = Date.now();
    const current = sessionKey === undefined ? undefined : this.sessions.get(sessionKey);
    const account = this.choose(current, exclude, now);
    if (account === undefined) return undefined;
    const movedFrom = current !== undefined && current !== account ? current : undefined;
    if (sessionKey !== undefined && account !== current) {
      this.sessions.delete(sessionKey);
      this.sessions.set(sessionKey, account);
      if (this.sessions.size > MAX_SESSIONS)
        this.sessions.delete(this.sessions.keys().next().value as string);
    }
    const reason = movedFrom && this.leaveReason(movedFrom, exclude, now);
    if (sessionKey !== undefined && movedFrom !== undefined && reason !== undefined)
      this.options.onMove?.(sessionKey, movedFrom, account, reason);
    return { account, movedFrom, reason };
  }

  /** Why a session cannot stay on `account`: the first rule that moved it. */
  private leaveReason(account: string, exclude: ReadonlySet<string>, now: number): string {
    const problem = this.options.problem(account);
    if (problem) return `login: ${problem}`;
    if (this.isCoolingDown(account, now)) return "usage limit";
    const blocked = blockReason(account, this.settings(), this.state.get(account)?.rateLimits, now);
    if (blocked) return blocked;
    if (exclude.has(account)) return "failed on this request";
    return "proactive: past the threshold";
  }

  /** Why the account cannot be picked now (paused, keeping a reserve), or undefined. */
  blocked(account: string, now = Date.now()): string | undefined {
    return blockReason(account, this.settings(), this.state.get(account)?.rateLimits, now);
  }

  private settings(): Settings {
    return this.options.settings?.() ?? DEFAULTS;
  }

  /** The account a session now on `account` is served on next (itself while it can serve), without moving anything. */
  nextFor(account: string): string | undefined {
    return this.choose(account, new Set(), Date.now());
  }

  /** The account a new session (and a new codex launch) would start on. */
  preferred(): string | undefined {
    return this.preferredAccount;
  }

  accountNames(): readonly string[] {
    return this.accounts;
  }

  rateLimitsOf(account: string): RateLimits | undefined {
    return this.state.get(account)?.rateLimits;
  }

  cooldownUntil(account: string): number {
    return this.state.get(account)?.cooldownUntilMs ?? 0;
  }

  isCoolingDown(account: string, now = Date.now()): boolean {
    return (this.state.get(account)?.cooldownUntilMs ?? 0) > now;
  }

  coolingAccounts(now = Date.now()): string[] {
    return this.accounts.filter((name) => this.isCoolingDown(name, now));
  }

  recordAttempt(account: string, served?: Served): void {
    if (served) this.options.onServe?.(account, served);
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

  recordRateLimits(account: string, observed: RateLimits): void {
    const state = this.state.get(account);
    if (!state) return;
    const now = Date.now();
    const limits = withoutStaleRoom(observed, state, now);
    if (sameWindows(state.rateLimits, limits) && now - state.limitsRecordedAtMs < UNCHANGED_LIMITS_REFRESH_MS)
      return;
    state.limitsRecordedAtMs = now;
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
    const now = Date.now();
    const settings = this.settings();
    for (const name of this.accounts) {
      const state = this.state.get(name);
      if (!state || this.options.problem(name)) continue;
      // A reserve ends at its window's reset; a pause has no end to announce.
      const back = Math.max(state.cooldownUntilMs, blockedUntil(name, settings, state.rateLimits, now) ?? 0);
      if (back === 0 || blockReason(name, settings, state.rateLimits, now) === "paused") continue;
      if (resetsAtMs === undefined || back < resetsAtMs) {
        resetsAtMs = back;
        planType = state.planType;
      }
    }
    return { resetsAtMs, planType };
  }

  private updatePreferred(): void {
    this.options.onStateChange?.();
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
    const settings = this.settings();
    const usable = this.accounts.filter(
      (name) =>
        !exclude.has(name) &&
        !this.isCoolingDown(name, now) &&
        !this.options.problem(name) &&
        !blockReason(name, settings, this.state.get(name)?.rateLimits, now),
    );
    if (usable.length === 0) return undefined;
    if (current !== undefined && usable.includes(current) && !this.overThreshold(current, now))
      return current;
    const best = spendOrder(usable, settings, (name) => this.limits(name), this.thresholds(), now)[0]!;
    // Everything is past its threshold: moving would lose the prompt cache for nothing.
    if (this.overThreshold(best, now) && current !== undefined && usable.includes(current)) return current;
    return best;
  }

  private limits(account: string): RateLimits | undefined {
    return this.state.get(account)?.rateLimits;
  }

  private thresholds(): Thresholds {
    return { primary: this.options.primaryThreshold, secondary: this.options.secondaryThreshold };
  }

  private overThreshold(account: string, now: number): boolean {
    return overThreshold(this.limits(account), this.thresholds(), now);
  }

  private stillAsGood(current: string, next: string, now: number): boolean {
    if (
      this.isCoolingDown(current, now) ||
      this.options.problem(current) ||
      this.overThreshold(current, now)
    ) {
      return false;
    }
    const settings = this.settings();
    const bucket = (name: string) =>
      Math.floor(accountHeadroom(name, settings, this.limits(name), this.thresholds(), now).headroom / 10);
    return bucket(current) >= bucket(next);
  }
}

/** Whether `next` says nothing new about the windows it carries (observedAtMs aside). */
function sameWindows(known: RateLimits | undefined, next: RateLimits): boolean {
  const same = (a: RateLimitWindow | undefined, b: RateLimitWindow | undefined) =>
    b === undefined ||
    (a !== undefined &&
      a.usedPercent === b.usedPercent &&
      a.windowMinutes === b.windowMinutes &&
      a.resetsAtMs === b.resetsAtMs);
  return known !== undefined && same(known.primary, next.primary) && same(known.secondary, next.secondary);
}

/**
 * While an account cools down after a usage limit, a report of more 5-hour room than the limit left
 * is older news: a stream's `codex.rate_limits` event is decoded beside the forwarding and may be
 * read after the 429 of a later request (seen under load with compressed streams). It must not
 * undo the "100% used" the limit set. Quota that really came back is found by the usage check,
 * which clears the cooldown before it records what it saw.
 */
function withoutStaleRoom(
  observed: RateLimits,
  state: Pick<AccountState, "cooldownUntilMs" | "rateLimits">,
  now: number,
): RateLimits {
  const known = state.rateLimits?.primary;
  if (state.cooldownUntilMs <= now || !known || !observed.primary) return observed;
  return observed.primary.usedPercent < known.usedPercent ? { ...observed, primary: known } : observed;
}
