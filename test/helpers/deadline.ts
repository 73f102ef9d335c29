import os from "node:os";

/**
 * How much slower than an idle machine this run may be: `CAO_TEST_TIME_FACTOR`
 * when set, else the 1-minute load per core (at least 1, at most 8), read once
 * when the test file starts. Every deadline a test waits against goes through
 * `scaled`, so a busy machine (other builds, `stress-ng`) gets more time and an
 * idle one keeps failing fast.
 */
export const timeFactor: number = (() => {
  const fromEnv = Number(process.env.CAO_TEST_TIME_FACTOR);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  const perCore = (os.loadavg()[0] ?? 0) / Math.max(1, os.availableParallelism());
  return Math.min(8, Math.max(1, perCore));
})();

/** `ms` (what an idle machine needs, with room) scaled to this run. */
export function scaled(ms: number): number {
  return Math.round(ms * timeFactor);
}

/**
 * Polls `check` until it passes, or fails after the scaled `timeoutMs` with
 * `describe()` (the values the test was waiting on) in the message.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; describe: () => string; intervalMs?: number },
): Promise<void> {
  const limit = scaled(options.timeoutMs ?? 5000);
  const deadline = Date.now() + limit;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not met within ${limit} ms: ${options.describe()}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
