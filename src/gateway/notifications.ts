import type { RateLimits } from "../core/account-status.js";
import { blockedUntil, poolHeadroom, poolMember, type Settings } from "../core/pool-policy.js";
import { FlushTimer } from "./flush-timer.js";

/**
 * Opt-in desktop notifications (`notify.enabled` in cao.toml) from what the
 * gateway already knows; it polls nothing. Three events:
 *   - the pool's headroom fell below `notify.headroom-below` (again after it was back above);
 *   - an account came back (its cooldown or reserve ended) while every other one was out;
 *   - a login died and needs `cao add NAME --relogin`.
 * Each event notifies at most once, and one kind per account at most every
 * `notify.min-interval-minutes` (a dropped one is not sent later).
 */
export interface NotifierDeps {
  accounts: readonly string[];
  settings(): Settings;
  limits(account: string): RateLimits | undefined;
  cooldownUntil(account: string): number;
  /** Why the account cannot serve (login), from the token manager. */
  problem(account: string): string | undefined;
  send(title: string, body: string): void;
  log(line: string): void;
}

type Out = "quota" | "other" | undefined;

export class PoolNotifier {
  private readonly fired = new Set<string>();
  private readonly lastSent = new Map<string, number>();
  private readonly out = new Map<string, Out>();
  private headroomLow = false;
  private lowCount = 0;
  private readonly soon: FlushTimer;
  private wake: NodeJS.Timeout | undefined;

  constructor(private readonly deps: NotifierDeps) {
    this.soon = new FlushTimer(1000, () => this.observe());
    for (const name of deps.accounts) this.out.set(name, this.outReason(name, Date.now()));
  }

  /** Something changed (usage, cooldown, login): look a moment later, once per burst. */
  poke(): void {
    this.soon.arm();
  }

  deadLogin(account: string, problem: string): void {
    this.notify(
      "login",
      account,
      `login:${account}`,
      `cao: ${account} needs a new login`,
      `${problem}. Run: cao add ${account} --relogin`,
    );
  }

  /** The login works again: a later death notifies again. */
  loginRestored(account: string): void {
    this.fired.delete(`login:${account}`);
  }

  observe(now = Date.now()): void {
    this.soon.disarm();
    const settings = this.deps.settings();
    const { accounts } = this.deps;
    const next = new Map(accounts.map((name) => [name, this.outReason(name, now)]));
    for (const name of accounts) {
      const back = this.out.get(name) === "quota" && next.get(name) === undefined;
      const othersOut = accounts.every((other) => other === name || next.get(other) !== undefined);
      if (back && othersOut && accounts.length > 1) {
        this.notify(
          "reset",
          name,
          `reset:${name}:${Math.round(now / 60_000)}`,
          `cao: ${name} is back`,
          `${name}'s quota reset while every other account was out.`,
        );
      }
    }
    for (const [name, reason] of next) this.out.set(name, reason);

    const members = accounts.map((name) =>
      poolMember(name, settings, this.limitsNow(name, now), this.deps.problem(name) !== undefined, now),
    );
    const { percent } = poolHeadroom(members);
    const low = percent !== undefined && percent < settings.notify.headroomBelow;
    if (low && !this.headroomLow) {
      this.lowCount++;
      this.notify(
        "headroom",
        "",
        `headroom:${this.lowCount}`,
        "cao: the pool is running low",
        `Pool headroom is ${percent}% (below ${settings.notify.headroomBelow}%).`,
      );
    }
    this.headroomLow = low;
    this.scheduleWake(settings, now);
  }

  close(): void {
    this.soon.disarm();
    if (this.wake) clearTimeout(this.wake);
  }

  /** A cooling account's usage counts as used up (a usage limit names no window). */
  private limitsNow(name: string, now: number): RateLimits | undefined {
    const limits = this.deps.limits(name);
    if (this.deps.cooldownUntil(name) <= now) return limits;
    return {
      observedAtMs: now,
      ...limits,
      primary: { ...limits?.primary, usedPercent: 100 },
    };
  }

  private outReason(name: string, now: number): Out {
    if (this.deps.problem(name)) return "other";
    const settings = this.deps.settings();
    if (settings.accounts[name]?.paused) return "other";
    if (this.deps.cooldownUntil(name) > now) return "quota";
    if (blockedUntil(name, settings, this.deps.limits(name), now) !== undefined) return "quota";
    return undefined;
  }

  /** One timer at the next cooldown or reserve end: that is when an account can come back. */
  private scheduleWake(settings: Settings, now: number): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    const ends = this.deps.accounts
      .flatMap((name) => [
        this.deps.cooldownUntil(name),
        blockedUntil(name, settings, this.deps.limits(name), now) ?? 0,
      ])
      .filter((t) => t > now);
    if (ends.length === 0) return;
    const delay = Math.min(Math.min(...ends) - now + 50, 2 ** 31 - 1);
    this.wake = setTimeout(() => this.observe(), delay);
    this.wake.unref();
  }

  private notify(kind: string, account: string, eventKey: string, title: string, body: string): void {
    const settings = this.deps.settings();
    if (!settings.notify.enabled || this.fired.has(eventKey)) return;
    this.fired.add(eventKey);
    const rateKey = `${kind}:${account}`;
    const now = Date.now();
    const last = this.lastSent.get(rateKey);
    if (last !== undefined && now - last < settings.notify.minIntervalMinutes * 60_000) {
      this.deps.log(`notification not sent (rate limit): ${title}`);
      return;
    }
    this.lastSent.set(rateKey, now);
    this.deps.log(`notification: ${title}: ${body}`);
    this.deps.send(title, body);
  }
}
