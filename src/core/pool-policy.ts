import type { RateLimits } from "./account-status.js";

/**
 * The pool's steering rules, one copy for the gateway's router and `cao run`:
 * which accounts may be picked at all (pauses, reserves) and in what order the
 * rest are spent. The settings themselves are read by core/settings.ts (TOML);
 * this module has no parser, so `cao run` loads it for free when no file exists.
 */
export type Strategy = "headroom" | "reset-soonest" | "listed";
export const STRATEGIES: readonly Strategy[] = ["headroom", "reset-soonest", "listed"];

export interface AccountSettings {
  paused: boolean;
  /** Higher is spent first; negative numbers are spent after the rest. */
  priority: number;
  /** Percent of the window to leave unused (never picked beyond `100 - reserve`). */
  reserve5h: number;
  reserveWeekly: number;
  /** Never pick the account at or above this used percent. */
  max5h: number;
  maxWeekly: number;
}

export interface Settings {
  strategy: Strategy;
  notify: { enabled: boolean; headroomBelow: number; minIntervalMinutes: number };
  accounts: Record<string, AccountSettings>;
}

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  paused: false,
  priority: 0,
  reserve5h: 0,
  reserveWeekly: 0,
  max5h: 100,
  maxWeekly: 100,
};

export const defaultSettings = (): Settings => ({
  strategy: "headroom",
  notify: { enabled: false, headroomBelow: 20, minIntervalMinutes: 30 },
  accounts: {},
});

export type Window = "primary" | "secondary";

/** A window's used percent now: one that has reset since it was seen starts from zero again. */
export function windowUsed(limits: RateLimits | undefined, which: Window, now: number): number {
  const window = limits?.[which];
  if (!window) return 0;
  if (window.resetsAtMs !== undefined && window.resetsAtMs <= now) return 0;
  return window.usedPercent;
}

/** The used percent an account may reach per window: its `max-*` or `100 - reserve-*`, whichever is lower. */
export function accountCaps(account: AccountSettings): Record<Window, number> {
  return {
    primary: Math.min(account.max5h, 100 - account.reserve5h),
    secondary: Math.min(account.maxWeekly, 100 - account.reserveWeekly),
  };
}

export const accountSettings = (settings: Settings, name: string): AccountSettings =>
  settings.accounts[name] ?? DEFAULT_ACCOUNT_SETTINGS;

const WINDOW_NAMES: Record<Window, string> = { primary: "5-hour", secondary: "weekly" };

/**
 * Why `name` must not be picked now, or undefined. A cap of 100 is no reserve:
 * running out is the cooldown's business, not this rule's.
 */
export function blockReason(
  name: string,
  settings: Settings,
  limits: RateLimits | undefined,
  now: number,
): string | undefined {
  const account = accountSettings(settings, name);
  if (account.paused) return "paused";
  const caps = accountCaps(account);
  for (const which of ["primary", "secondary"] as const) {
    const used = windowUsed(limits, which, now);
    if (caps[which] < 100 && used >= caps[which]) {
      return `keeping its ${WINDOW_NAMES[which]} reserve (${Math.round(used)}% used, cap ${caps[which]}%)`;
    }
  }
  return undefined;
}

/** When a reserve stops blocking: the reset of the window that blocks (undefined for a pause). */
export function blockedUntil(
  name: string,
  settings: Settings,
  limits: RateLimits | undefined,
  now: number,
): number | undefined {
  const account = accountSettings(settings, name);
  if (account.paused) return undefined;
  const caps = accountCaps(account);
  let until: number | undefined;
  for (const which of ["primary", "secondary"] as const) {
    if (caps[which] < 100 && windowUsed(limits, which, now) >= caps[which]) {
      const reset = limits?.[which]?.resetsAtMs;
      if (reset !== undefined) until = Math.max(until ?? 0, reset);
    }
  }
  return until;
}

/** The used percents past which an account is spent only when nothing else is below them. */
export interface Thresholds {
  primary: number;
  secondary: number;
}

/** The gateway's `--primary-threshold`/`--secondary-threshold` defaults, and `cao run`'s. */
export const DEFAULT_THRESHOLDS: Thresholds = { primary: 95, secondary: 98 };

export function overThreshold(limits: RateLimits | undefined, thresholds: Thresholds, now: number): boolean {
  return (
    windowUsed(limits, "primary", now) >= thresholds.primary ||
    windowUsed(limits, "secondary", now) >= thresholds.secondary
  );
}

/**
 * The room an account has before its threshold or cap (the tighter window), and
 * when its 5-hour window resets. Known room beats unknown room: with nothing
 * known the headroom is -1 (registry order then decides).
 */
export function accountHeadroom(
  name: string,
  settings: Settings,
  limits: RateLimits | undefined,
  thresholds: Thresholds,
  now: number,
): { headroom: number; resetsAtMs: number } {
  if (!limits?.primary && !limits?.secondary) return { headroom: -1, resetsAtMs: Number.POSITIVE_INFINITY };
  const caps = accountCaps(accountSettings(settings, name));
  const headroom = Math.min(
    Math.min(thresholds.primary, caps.primary) - windowUsed(limits, "primary", now),
    Math.min(thresholds.secondary, caps.secondary) - windowUsed(limits, "secondary", now),
  );
  const reset = limits.primary?.resetsAtMs;
  return { headroom, resetsAtMs: reset !== undefined && reset > now ? reset : Number.POSITIVE_INFINITY };
}

/**
 * The order in which new sessions spend `names` (registry order), one rule for
 * the gateway's router and `cao run`: accounts past a threshold last; then
 * higher `priority` first; then by `routing.strategy`: "headroom" the most
 * known headroom in 10-point steps and, among similar ones, the soonest reset
 * (its unused quota is lost at the reset anyway); "reset-soonest" the soonest
 * reset, then the most headroom; "listed" none. Ties keep registry order.
 * Which accounts may be picked at all (pauses, reserves, cooldowns) is the
 * caller's filter.
 */
export function spendOrder(
  names: readonly string[],
  settings: Settings,
  limitsOf: (name: string) => RateLimits | undefined,
  thresholds: Thresholds,
  now: number,
): string[] {
  return names
    .map((name, order) => ({
      name,
      order,
      over: overThreshold(limitsOf(name), thresholds, now),
      priority: accountSettings(settings, name).priority,
      ...accountHeadroom(name, settings, limitsOf(name), thresholds, now),
    }))
    .sort(
      (a, b) =>
        Number(a.over) - Number(b.over) ||
        b.priority - a.priority ||
        (settings.strategy === "headroom"
          ? Math.floor(b.headroom / 10) - Math.floor(a.headroom / 10) || a.resetsAtMs - b.resetsAtMs
          : settings.strategy === "reset-soonest"
            ? a.resetsAtMs - b.resetsAtMs || b.headroom - a.headroom
            : 0) ||
        a.order - b.order,
    )
    .map((a) => a.name);
}

export interface PoolMember {
  usable: boolean;
  caps: Record<Window, number>;
  used: Record<Window, number>;
}

export interface PoolHeadroom {
  /** Room left in the usable accounts per window, in points (100 = one whole account). */
  points: Record<Window, number>;
  /** The tighter window's room as a percent of the usable accounts' capacity; undefined with none usable. */
  percent: number | undefined;
  usable: number;
  total: number;
}

/** The pool's headroom: paused and dead-login accounts add nothing, reserves are not room. */
export function poolHeadroom(members: readonly PoolMember[]): PoolHeadroom {
  const usable = members.filter((m) => m.usable);
  const sum = (f: (m: PoolMember) => number) => usable.reduce((total, m) => total + f(m), 0);
  const points = {
    primary: sum((m) => Math.max(0, m.caps.primary - m.used.primary)),
    secondary: sum((m) => Math.max(0, m.caps.secondary - m.used.secondary)),
  };
  const capacity = Math.min(
    sum((m) => m.caps.primary),
    sum((m) => m.caps.secondary),
  );
  const percent =
    usable.length === 0 || capacity === 0
      ? undefined
      : Math.round((Math.min(points.primary, points.secondary) / capacity) * 100);
  return { points, percent, usable: usable.length, total: members.length };
}

/**
 * An account as a pool member, from its last known usage. A cooling account's
 * 5-hour window counts as used up (a usage limit says so whatever was last seen);
 * one without a working login adds nothing.
 */
export function poolMember(
  name: string,
  settings: Settings,
  limits: RateLimits | undefined,
  state: { loginWorks: boolean; coolingDown: boolean },
  now: number,
): PoolMember {
  const account = accountSettings(settings, name);
  return {
    usable: !account.paused && state.loginWorks,
    caps: accountCaps(account),
    used: {
      primary: state.coolingDown ? 100 : windowUsed(limits, "primary", now),
      secondary: windowUsed(limits, "secondary", now),
    },
  };
}
