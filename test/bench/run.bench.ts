// `cao run` overhead: `cao run -- <fast codex>` against calling that codex
// directly, next to `node -e 0`, interleaved in one run. Two readings:
//   added start time: how much later codex starts when cao starts it (the fake
//     codex stamps its own start); the target is under 1.3x of a bare
//     `node -e 0`.
//   added total time: until the command returns, including what cao records
//     after codex exits (status store, rollout evidence).
// The path measured is the success path with an account home already set up,
// codex found on PATH (no CAO_CODEX_BIN: the default case, which loads the PATH
// search) and the bin's V8 code cache written by the warm-up runs; a row
// without the code cache (CAO_NO_CODE_CACHE=1) shows what it is worth.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { caoBin } from "../helpers/cli.js";
import { benchEnv, percentile } from "./lib/measure.js";

const RUNS = 30;
const WARMUP = 3;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-run-"));
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const nowMs = () => performance.timeOrigin + performance.now();

try {
  const home = path.join(root, "home");
  const data = path.join(home, ".codex-account-orchestrator");
  fs.mkdirSync(path.join(data, "work"), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(data, "registry.json"),
    JSON.stringify({ default_account: "work", accounts: ["work"] }),
  );
  // The fastest possible codex that says when it started (wall clock, ns).
  const stamp = path.join(root, "started");
  const binDir = path.join(root, "bin");
  fs.mkdirSync(binDir);
  const fastCodex = path.join(binDir, "codex");
  fs.writeFileSync(fastCodex, `#!/bin/sh\ndate +%s%N > '${stamp}'\n`, { mode: 0o755 });
  const env = benchEnv({ ...process.env, HOME: home, CAO_HOME: data, PATH: `${binDir}:${process.env.PATH}` });
  for (const key of ["CODEX_HOME", "CAO_ACCOUNT", "CAO_MAIN_CODEX_HOME", "CAO_CODEX_BIN", "XDG_CACHE_HOME"]) {
    delete env[key];
  }
  const noCodeCache = { ...env, CAO_NO_CODE_CACHE: "1" };

  const time = (command: string, args: string[], runEnv = env) => {
    const start = nowMs();
    const result = spawnSync(command, args, { env: runEnv, stdio: "pipe" });
    const end = nowMs();
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
    return { start, end };
  };
  const codexStartedAfter = (start: number) => Number(fs.readFileSync(stamp, "utf8").trim()) / 1e6 - start;

  const samples = {
    node: [] as number[],
    directStart: [] as number[],
    caoStart: [] as number[],
    uncachedStart: [] as number[],
  };
  const totals = { direct: [] as number[], cao: [] as number[] };
  for (let round = 0; round < WARMUP + RUNS; round++) {
    const node = time(process.execPath, ["-e", "0"]);
    const direct = time(fastCodex, ["exec", "hi"]);
    const directStart = codexStartedAfter(direct.start);
    const viaCao = time(process.execPath, [caoBin, "run", "--", "exec", "hi"]);
    const caoStart = codexStartedAfter(viaCao.start);
    const uncached = time(process.execPath, [caoBin, "run", "--", "exec", "hi"], noCodeCache);
    const uncachedStart = codexStartedAfter(uncached.start);
    if (round < WARMUP) continue;
    samples.node.push(node.end - node.start);
    samples.directStart.push(directStart);
    samples.caoStart.push(caoStart);
    samples.uncachedStart.push(uncachedStart);
    totals.direct.push(direct.end - direct.start);
    totals.cao.push(viaCao.end - viaCao.start);
  }
  const node = median(samples.node);
  const addedStart = median(samples.caoStart) - median(samples.directStart);
  const addedTotal = median(totals.cao) - median(totals.direct);
  const addedUncached = median(samples.uncachedStart) - median(samples.directStart);
  console.log("\n## cao run overhead (fast fake codex, medians of interleaved runs)");
  console.log("| measure | ms | ratio to node -e 0 | target |");
  console.log("| --- | ---: | ---: | --- |");
  console.log(`| node -e 0 | ${node.toFixed(2)} | 1.000x | |`);
  console.log(
    `| added start time (codex starts this much later) | ${addedStart.toFixed(2)} | ${(addedStart / node).toFixed(3)}x | < 1.3x: ${addedStart / node < 1.3 ? "met" : "MISSED"} |`,
  );
  console.log(
    `| added start time without the code cache | ${addedUncached.toFixed(2)} | ${(addedUncached / node).toFixed(3)}x | |`,
  );
  console.log(
    `| added total time (incl. bookkeeping after codex exits) | ${addedTotal.toFixed(2)} | ${(addedTotal / node).toFixed(3)}x | |`,
  );
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
