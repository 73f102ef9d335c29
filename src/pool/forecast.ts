import { poolHeadroom } from "../core/pool-policy.js";
import { type Sample, sameReset } from "../core/usage-history.js";

/**
 * Forecasts from the usage history, pure (tested on synthetic histories):
 *
 * - an account's pace per window: the increases of its used percent within one
 *   window (a reset is not negative use) over the recent span, in points/hour;
 * - when it runs out: when that pace reaches its cap, if before the window resets;
 * - when the pool runs out: the pool's demand (every account's increases added
 *   up, over the same span) spent on whichever account still has room, windows
 *   resetting on their schedule, until none has; and the reset that then
 *   brings one back (the next reset that matters).
 *
 * Accounts are assumed to be the same size (one percent point is one point
 * whichever account it is on), which holds for a pool of one plan.
 */
export type WindowName = "primary" | "secondary";
export const WINDOWS: readonly WindowName[] = ["primary", "secondary"];
export const WINDOW_MS: Record<WindowName, number> = { primary: 300 * 60_000, secondary: 7 * 86_400_000 };
/** How far back the pace looks. */
export const LOOKBACK_MS: Record<WindowName, number> = { primary: 2 * 3600_000, secondary: 24 * 3600_000 };
const MIN_SPAN_MS = 15 * 60_000;
const HOUR = 3600_000;

const used = (s: Sample, w: WindowName) => (w === "primary" ? s[1] : s[3]);
const reset = (s: Sample, w: WindowName) => (w === "primary" ? s[2] : s[4]);

export interface WindowNow {
  usedPercent: number;
  /** The next reset (rolled forward by the window length when the last known one has passed). */
  resetsAtMs: number | undefined;
}

/** The window as it stands now, from the last sample that reported it. */
export function windowNow(samples: readonly Sample[], w: WindowName, now: number): WindowNow | undefined {
  const last = [...samples].reverse().find((s) => used(s, w) !== null);
  if (!last) return undefined;
  let resetsAtMs = reset(last, w) ?? undefined;
  if (resetsAtMs === undefined || resetsAtMs > now) return { usedPercent: used(last, w)!, resetsAtMs };
  while (resetsAtMs <= now) resetsAtMs += WINDOW_MS[w];
  return { usedPercent: 0, resetsAtMs };
}

/** Points used in [from, now]: positive steps between samples of the same window. */
export function increases(samples: readonly Sample[], w: WindowName, from: number): number {
  let total = 0;
  let previous: Sample | undefined;
  for (const s of samples) {
    if (used(s, w) === null) continue;
    if (previous && s[0] >= from && sameReset(reset(previous, w), reset(s, w))) {
      total += Math.max(0, used(s, w)! - used(previous, w)!);
    } else if (previous && s[0] >= from && used(s, w)! > 0 && !sameReset(reset(previous, w), reset(s, w))) {
      // A new window: what it shows is what was used since its start.
      total += used(s, w)!;
    }
    previous = s;
  }
  return total;
}

/** Points per hour over the recent span, or undefined with less than 15 minutes of history. */
export function pace(samples: readonly Sample[], w: WindowName, now: number): number | undefined {
  const known = samples.filter((s) => used(s, w) !== null);
  const first = known[0];
  if (!first) return undefined;
  const from = Math.max(first[0], now - LOOKBACK_MS[w]);
  const span = now - from;
  if (span < MIN_SPAN_MS) return undefined;
  return (increases(known, w, from) / span) * HOUR;
}

export interface AccountInput {
  name: string;
  samples: readonly Sample[];
  caps: Record<WindowName, number>;
  /** False when paused or without a working login: its room is not the pool's. */
  usable: boolean;
}

export interface WindowForecast extends WindowNow {
  pacePerHour: number | undefined;
  /** When the pace reaches the cap before the reset; undefined: it lasts (or no pace known). */
  runsOutAtMs: number | undefined;
}

export interface AccountForecast {
  name: string;
  usable: boolean;
  windows: Partial<Record<WindowName, WindowForecast>>;
  runsOutAtMs: number | undefined;
}

export function forecastAccount(input: AccountInput, now: number): AccountForecast {
  const windows: Partial<Record<WindowName, WindowForecast>> = {};
  let runsOutAtMs: number | undefined;
  for (const w of WINDOWS) {
    const current = windowNow(input.samples, w, now);
    if (!current) continue;
    const rate = pace(input.samples, w, now);
    let out: number | undefined;
    const left = input.caps[w] - current.usedPercent;
    if (left <= 0) out = now;
    else if (rate !== undefined && rate > 0) {
      const at = now + (left / rate) * HOUR;
      if (current.resetsAtMs === undefined || at < current.resetsAtMs) out = Math.round(at);
    }
    windows[w] = { ...current, pacePerHour: rate, runsOutAtMs: out };
    if (out !== undefined && (runsOutAtMs === undefined || out < runsOutAtMs)) runsOutAtMs = out;
  }
  return { name: input.name, usable: input.usable, windows, runsOutAtMs };
}

export interface PoolForecast {
  /** Room left in the usable accounts per window, in points (100 = one whole account). */
  headroom: Record<WindowName, number>;
  /** The pool's headroom as a percent of its usable capacity (the tighter window). */
  headroomPercent: number | undefined;
  demandPerHour: Record<WindowName, number | undefined>;
  runsOutAtMs: number | undefined;
  /** When the pool is out: the reset that brings the first account back. */
  nextReset: { account: string; atMs: number } | undefined;
}

const STEP_MS = 5 * 60_000;
export const HORIZON_MS = 8 * 86_400_000;

export function forecastPool(inputs: readonly AccountInput[], now: number): PoolForecast {
  const usable = inputs.filter((a) => a.usable);
  const state = usable.map((a) => ({
    name: a.name,
    caps: a.caps,
    w: Object.fromEntries(
      WINDOWS.map((w) => {
        const current = windowNow(a.samples, w, now);
        return [w, { used: current?.usedPercent ?? 0, resetsAtMs: current?.resetsAtMs }];
      }),
    ) as Record<WindowName, { used: number; resetsAtMs: number | undefined }>,
  }));
  const room = poolHeadroom(
    state.map((a) => ({
      usable: true,
      caps: a.caps,
      used: { primary: a.w.primary.used, secondary: a.w.secondary.used },
    })),
  );
  const headroom = room.points;
  const headroomPercent = room.percent;
  const demandPerHour = Object.fromEntries(WINDOWS.map((w) => [w, poolDemand(usable, w, now)])) as Record<
    WindowName,
    number | undefined
  >;
  const result: PoolForecast = {
    headroom,
    headroomPercent,
    demandPerHour,
    runsOutAtMs: undefined,
    nextReset: undefined,
  };
  if (state.length === 0) return { ...result, runsOutAtMs: now };
  const demand = WINDOWS.map((w) => demandPerHour[w] ?? 0);
  if (demand.every((d) => d <= 0)) return result;

  const blocking = (a: (typeof state)[number]) => WINDOWS.filter((w) => a.w[w].used >= a.caps[w]);
  for (let t = now; t <= now + HORIZON_MS; t += STEP_MS) {
    for (const a of state) {
      for (const w of WINDOWS) {
        const win = a.w[w];
        while (win.resetsAtMs !== undefined && win.resetsAtMs <= t) {
          win.used = 0;
          win.resetsAtMs += WINDOW_MS[w];
        }
      }
    }
    // Spend this step on accounts with room, in order, spilling over when one fills up.
    let need = WINDOWS.map((_, i) => (demand[i]! * STEP_MS) / HOUR);
    for (const a of state) {
      if (need.every((n) => n <= 1e-9)) break;
      if (blocking(a).length > 0) continue;
      const room = Math.min(
        ...WINDOWS.map((w, i) =>
          need[i]! > 0 ? (a.caps[w] - a.w[w].used) / need[i]! : Number.POSITIVE_INFINITY,
        ),
      );
      const share = Math.min(1, room);
      WINDOWS.forEach((w, i) => {
        a.w[w].used += need[i]! * share;
      });
      need = need.map((n) => n * (1 - share));
    }
    if (need.some((n) => n > 1e-9)) {
      const back = state
        .map((a) => ({
          account: a.name,
          atMs: Math.max(...blocking(a).map((w) => a.w[w].resetsAtMs ?? Number.POSITIVE_INFINITY)),
        }))
        .sort((x, y) => x.atMs - y.atMs)[0];
      return {
        ...result,
        runsOutAtMs: t,
        nextReset: back && Number.isFinite(back.atMs) ? back : undefined,
      };
    }
  }
  return result;
}

/** Points per hour the whole pool used recently (every account's increases over one common span). */
function poolDemand(accounts: readonly AccountInput[], w: WindowName, now: number): number | undefined {
  const firsts = accounts
    .map((a) => a.samples.find((s) => used(s, w) !== null)?.[0])
    .filter((t) => t !== undefined);
  if (firsts.length === 0) return undefined;
  const from = Math.max(Math.min(...firsts), now - LOOKBACK_MS[w]);
  const span = now - from;
  if (span < MIN_SPAN_MS) return undefined;
  const total = accounts.reduce((sum, a) => sum + increases(a.samples, w, from), 0);
  return (total / span) * HOUR;
}
