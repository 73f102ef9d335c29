// How much slower than an idle machine this run may be, for every deadline the
// tests wait against (test/helpers/deadline.ts) and the runner's per-test
// timeout (test/run-tests.mjs): `CAO_TEST_TIME_FACTOR` when set, else the
// 1-minute load per core, at least 1 and at most 8. Plain JavaScript so the
// runner can use it before tsx is loaded.
import os from "node:os";

/** @param {NodeJS.ProcessEnv} env */
export function timeFactorFor(env = process.env) {
  const fromEnv = Number(env.CAO_TEST_TIME_FACTOR);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  const perCore = (os.loadavg()[0] ?? 0) / Math.max(1, os.availableParallelism());
  return Math.min(8, Math.max(1, perCore));
}
