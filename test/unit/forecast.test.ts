import assert from "node:assert/strict";
import { test } from "node:test";
import type { Sample } from "../../src/core/usage-history.js";
import { type AccountInput, forecastAccount, forecastPool, pace } from "../../src/pool/forecast.js";
import { sparkline } from "../../src/pool/usage-view.js";

/** Synthetic histories with answers worked out by hand. */
const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const full = { primary: 100, secondary: 100 };

/** Linear use of the 5-hour window from `from`% to `to`% over the last `hours`, a sample every 10 minutes. */
function linear(from: number, to: number, hours: number, resetMs: number | null): Sample[] {
  const steps = (hours * 60) / 10;
  return Array.from(
    { length: steps + 1 },
    (_, i): Sample => [
      NOW - hours * HOUR + i * 10 * MIN,
      from + ((to - from) * i) / steps,
      resetMs,
      null,
      null,
    ],
  );
}
const near = (actual: number | undefined, expected: number, slack: number, what: string) =>
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= slack,
    `${what}: ${actual === undefined ? "undefined" : new Date(actual).toISOString()} vs ${new Date(expected).toISOString()}`,
  );

test("an account's pace and run-out: 0→40% in 2 h is 20%/h; 60 points left run out in 3 h, before the reset in 4 h", () => {
  const input: AccountInput = {
    name: "a",
    samples: linear(0, 40, 2, NOW + 4 * HOUR),
    caps: full,
    usable: true,
  };
  assert.ok(Math.abs((pace(input.samples, "primary", NOW) ?? 0) - 20) < 1e-9);
  const f = forecastAccount(input, NOW);
  near(f.runsOutAtMs, NOW + 3 * HOUR, 1000, "runs out");
  assert.equal(f.windows.primary?.usedPercent, 40);
  // The same pace with the reset in 2 h: it lasts.
  const lasting = forecastAccount({ ...input, samples: linear(0, 40, 2, NOW + 2 * HOUR) }, NOW);
  assert.equal(lasting.runsOutAtMs, undefined);
  // A reserve (cap 80%) brings it forward: 40 points at 20/h = 2 h.
  near(
    forecastAccount({ ...input, caps: { primary: 80, secondary: 100 } }, NOW).runsOutAtMs,
    NOW + 2 * HOUR,
    1000,
    "cap",
  );
});

test("a reset is not negative use: the pace counts only increases within a window", () => {
  // 50→90 in the first hour (window ends), then 0→20 in the next: 60 points in 2 h.
  const first = linear(50, 90, 1, NOW - HOUR).map((s): Sample => [s[0] - HOUR, s[1], s[2], null, null]);
  const second = linear(0, 20, 1, NOW + 4 * HOUR).slice(1);
  assert.ok(
    Math.abs((pace([...first, ...second], "primary", NOW) ?? 0) - 30) < 1,
    String(pace([...first, ...second], "primary", NOW)),
  );
});

test("the pool: 60%/h of demand on two accounts runs out when both are full; the next reset that matters is a's", () => {
  // a went 0→60 in the last hour (window resets in 4 h); b is untouched (no reset known).
  const a: AccountInput = { name: "a", samples: linear(0, 60, 1, NOW + 4 * HOUR), caps: full, usable: true };
  const b: AccountInput = { name: "b", samples: linear(0, 0, 1, null), caps: full, usable: true };
  const pool = forecastPool([a, b], NOW);
  assert.ok(Math.abs((pool.demandPerHour.primary ?? 0) - 60) < 1e-9, String(pool.demandPerHour.primary));
  assert.equal(pool.headroom.primary, 140);
  // 40 points left on a, then 100 on b: 140 / 60 = 2 h 20 min (5-minute steps).
  near(pool.runsOutAtMs, NOW + 140 * MIN, 5 * MIN, "pool out");
  assert.deepEqual(pool.nextReset, { account: "a", atMs: NOW + 4 * HOUR });
  // b keeping a 20% reserve: 120 points, out after 2 h.
  near(
    forecastPool([a, { ...b, caps: { primary: 80, secondary: 100 } }], NOW).runsOutAtMs,
    NOW + 2 * HOUR,
    5 * MIN,
    "reserve",
  );
  // b paused: only a's 40 points, out in 40 min.
  near(forecastPool([a, { ...b, usable: false }], NOW).runsOutAtMs, NOW + 40 * MIN, 5 * MIN, "paused");
});

test("the pool lasts when resets come back faster than it is used", () => {
  const a: AccountInput = { name: "a", samples: linear(0, 40, 2, NOW + 4 * HOUR), caps: full, usable: true };
  const b: AccountInput = { name: "b", samples: linear(0, 0, 2, NOW + HOUR), caps: full, usable: true };
  const pool = forecastPool([a, b], NOW);
  assert.equal(pool.runsOutAtMs, undefined);
  assert.equal(pool.headroomPercent, 80);
});

test("sparkline: one column per slice, blanks before the first sample, a reset marked and drawn as zero", () => {
  const samples: Sample[] = [
    [NOW - 4 * HOUR, 0, NOW - 2 * HOUR, null, null],
    [NOW - 3 * HOUR, 50, NOW - 2 * HOUR, null, null],
    [NOW - 2.5 * HOUR, 100, NOW - 2 * HOUR, null, null],
  ];
  const chart = sparkline(samples, "primary", NOW - 6 * HOUR, NOW, 6);
  assert.equal(chart.spark, "  ▁█▁▁", "max per column: 0, then 100 (50 and 100), then 0 after the reset");
  assert.equal(chart.marks, "    ╵");
});
