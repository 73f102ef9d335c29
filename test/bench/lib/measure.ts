import { spawnSync } from "node:child_process";

/**
 * Side-by-side timing for a shared, noisy machine: the cases run interleaved
 * (round-robin), so a burst of load hits all of them alike, and what is
 * reported is each case's median and its ratio to the baseline (the first
 * case), never an absolute budget.
 */
export interface CommandCase {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  input?: string;
}

export interface CaseResult {
  name: string;
  medianMs: number;
  p90Ms: number;
  ratio: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/**
 * Some machines set NODE_EXTRA_CA_CERTS, which makes every Node start parse a
 * CA bundle (~40 ms here): it inflates `node -e 0` and so flatters every ratio
 * to it. Benchmarks measure without it.
 */
export function benchEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  const copy = { ...(env ?? process.env) };
  delete copy.NODE_EXTRA_CA_CERTS;
  return copy;
}

export function compareCommands(
  cases: CommandCase[],
  options: { runs?: number; warmup?: number } = {},
): CaseResult[] {
  const runs = options.runs ?? 30;
  const warmup = options.warmup ?? 3;
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < warmup + runs; round++) {
    cases.forEach((c, i) => {
      const start = process.hrtime.bigint();
      const result = spawnSync(c.command, c.args, {
        env: benchEnv(c.env),
        input: c.input ?? "",
        stdio: "pipe",
      });
      const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) {
        throw new Error(`${c.name} exited ${result.status}: ${result.stderr?.toString().slice(0, 400)}`);
      }
      if (round >= warmup) samples[i]?.push(elapsed);
    });
  }
  const medians = samples.map((s) =>
    percentile(
      [...s].sort((a, b) => a - b),
      50,
    ),
  );
  const base = medians[0] ?? Number.NaN;
  return cases.map((c, i) => {
    const sorted = [...(samples[i] ?? [])].sort((a, b) => a - b);
    return {
      name: c.name,
      medianMs: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      ratio: (medians[i] ?? 0) / base,
    };
  });
}

/** Prints a results table; `target` marks ratios that must stay under a bound. */
export function printTable(
  title: string,
  results: CaseResult[],
  target?: { ratio: number; cases: string[] },
): void {
  console.log(`\n## ${title}`);
  console.log("| case | median ms | p90 ms | ratio to first |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const r of results) {
    const bound = target?.cases.includes(r.name)
      ? ` (target < ${target.ratio}x: ${r.ratio < target.ratio ? "met" : "MISSED"})`
      : "";
    console.log(
      `| ${r.name} | ${r.medianMs.toFixed(2)} | ${r.p90Ms.toFixed(2)} | ${r.ratio.toFixed(3)}x${bound} |`,
    );
  }
}
