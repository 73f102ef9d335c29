import { timeFactorFor } from "./time-factor.mjs";

/**
 * The factor every deadline a test waits against is scaled by (see time-factor.mjs), read once
 * when the test file starts: a busy machine (other builds, `stress-ng`) gets more time, an idle
 * one keeps failing fast.
 */
export const timeFactor: number = timeFactorFor();

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
