// Interleaved, paired measurement for a shared machine: each round measures
// every target once, in an order that rotates from round to round, so a burst
// of load from elsewhere hits all targets alike and no target always gets the
// warmer moment. Results are compared per round (ratio or difference of the
// same round's samples) and the median of those is reported, never a median of
// one target against a median of another taken at other moments.
import { percentile } from "./measure.js";

export async function pairedRounds<T extends string>(
  targets: readonly T[],
  options: { rounds: number; warmup: number },
  measure: (target: T, round: number) => Promise<number>,
): Promise<Record<T, number[]>> {
  const samples = Object.fromEntries(targets.map((t) => [t, [] as number[]])) as Record<T, number[]>;
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(round + i) % targets.length]!;
      const value = await measure(target, round);
      if (round >= options.warmup) samples[target].push(value);
    }
  }
  return samples;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function p90(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    90,
  );
}

/** Median over rounds of a[round] / b[round]. */
export function medianRatio(a: number[], b: number[]): number {
  return median(a.map((value, i) => value / (b[i] ?? Number.NaN)));
}

/** Median over rounds of a[round] - b[round]. */
export function medianDifference(a: number[], b: number[]): number {
  return median(a.map((value, i) => value - (b[i] ?? Number.NaN)));
}

export const verdict = (ok: boolean): string => (ok ? "met" : "MISSED");
