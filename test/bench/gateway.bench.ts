// The gateway's cost on the HTTP path, against a bare TCP relay (the floor for
// any process between Codex and the upstream) and against going direct, all
// three to the same fake backend in the same run, interleaved and paired (see
// lib/paired.ts). Targets (issue 12):
//   tiny answer: time to first byte <= relay + 0.5 ms (p50 of paired differences)
//   1 MB burst (1000 x 1 KB events written at once): total <= 1.10x the relay's
//   4 MB spread over time: total <= 1.03x the relay's
//   failover (429 -> the next account's stream): <= +5 ms first byte
//   peak RSS <= 80 MB with 100 concurrent 1 MB streams, < 70 MB after
//   CPU per MB printed for the gateway and the relay
// Run: npm run bench -- gateway   (or: npm run build && node --import tsx test/bench/gateway.bench.ts)
// CAO_BENCH_SCALE=0.3 runs fewer rounds; CAO_BENCH_NODE_FLAGS="..." tries other gateway node flags.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchAgent, type HttpTarget, timeResponse } from "./lib/http-client.js";
import { median, medianDifference, medianRatio, p90, pairedRounds, verdict } from "./lib/paired.js";
import { cpuMs, gatewayFlags, Processes, rssMb, type Shape, tokenOf } from "./lib/processes.js";

const scale = Number(process.env.CAO_BENCH_SCALE ?? 1);
const rounds = (n: number) => Math.max(3, Math.round(n * scale));
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-gateway-"));
const procs = new Processes(root);
const out: string[] = [];
const row = (...cells: string[]) => out.push(`| ${cells.join(" | ")} |`);
const ms = (value: number, digits = 2) => `${value.toFixed(digits)} ms`;
const x = (value: number) => `${value.toFixed(3)}x`;

try {
  const dirs = { main: "main", failover: "failover", memory: "memory" } as const;
  const dir = (name: keyof typeof dirs) => path.join(root, dirs[name]);
  const backend = await procs.backend({
    [dir("main")]: [{ name: "main", accountId: "b-main" }],
    [dir("memory")]: [{ name: "main", accountId: "b-main" }],
    // "out" comes first and refuses every request (usage_not_included); with no cooldown the
    // gateway tries it again each time, so every request pays one 429 and a replay on "spare".
    [dir("failover")]: [
      { name: "out", accountId: "b-out" },
      { name: "spare", accountId: "b-spare" },
    ],
  });
  const gateway = await procs.gateway(dir("main"), backend);
  const failoverGateway = await procs.gateway(dir("failover"), backend, ["--cooldown-seconds", "0"]);
  const relay = await procs.relay(backend.upstreamBaseUrl);
  const mainToken = tokenOf(dir("main"), "main");
  const direct: HttpTarget = {
    url: backend.upstreamBaseUrl,
    headers: { authorization: `Bearer ${mainToken}`, "chatgpt-account-id": "b-main" },
  };
  const targets = {
    direct,
    relay: { ...direct, url: relay.url },
    cao: { url: gateway.url, headers: { authorization: `Bearer ${mainToken}` } },
    failover: {
      url: failoverGateway.url,
      headers: { authorization: `Bearer ${tokenOf(dir("failover"), "spare")}` },
    },
  } satisfies Record<string, HttpTarget>;
  type Name = keyof typeof targets;
  const run = (names: readonly Name[], shape: Shape, n: number, pick: "firstMs" | "totalMs") => {
    const bytes: Record<string, number> = {};
    return pairedRounds(names, { rounds: rounds(n), warmup: Math.ceil(rounds(n) / 10) }, async (name, i) => {
      const timing = await timeResponse(targets[name], shape, `${shape}-${name}-${i}`);
      bytes[name] = (bytes[name] ?? 0) + timing.bytes;
      return timing[pick];
    }).then((samples) => ({ samples, bytes }));
  };

  out.push("\n## gateway (HTTP): cao vs a bare TCP relay vs direct, interleaved and paired");
  out.push(
    `${os.availableParallelism()} cores, shared; node ${process.version}; gateway flags: ${gatewayFlags().join(" ") || "(none)"}`,
  );
  row("measure", "direct", "relay", "cao", "cao vs relay", "cao vs direct", "target");
  row("---", "---:", "---:", "---:", "---:", "---:", "---");

  // Time to first byte (and failover) on tiny answers.
  const tiny = (await run(["direct", "relay", "cao", "failover"], "tiny", 400, "firstMs")).samples;
  const addedTtfb = medianDifference(tiny.cao, tiny.relay);
  row(
    "tiny answer, time to first byte p50 (p90)",
    `${ms(median(tiny.direct), 3)} (${p90(tiny.direct).toFixed(3)})`,
    `${ms(median(tiny.relay), 3)} (${p90(tiny.relay).toFixed(3)})`,
    `${ms(median(tiny.cao), 3)} (${p90(tiny.cao).toFixed(3)})`,
    `+${ms(addedTtfb, 3)}`,
    `+${ms(medianDifference(tiny.cao, tiny.direct), 3)}`,
    `<= relay + 0.5 ms: ${verdict(addedTtfb <= 0.5)} (aim + 0.3 ms: ${verdict(addedTtfb <= 0.3)})`,
  );
  const addedFailover = medianDifference(tiny.failover, tiny.cao);
  row(
    "failover 429 -> next account, first byte p50",
    "",
    "",
    ms(median(tiny.failover), 3),
    "",
    `+${ms(addedFailover, 3)} over cao without the 429`,
    `<= +5 ms: ${verdict(addedFailover <= 5)}`,
  );

  // Throughput shapes, with the CPU each hop spent on the burst.
  const cpuBefore = { cao: cpuMs(gateway.pid), relay: cpuMs(relay.pid) };
  const burst = await run(["direct", "relay", "cao"], "burst", 300, "totalMs");
  const cpuPerMb = {
    cao: (cpuMs(gateway.pid) - cpuBefore.cao) / ((burst.bytes.cao ?? 0) / 1048576),
    relay: (cpuMs(relay.pid) - cpuBefore.relay) / ((burst.bytes.relay ?? 0) / 1048576),
  };
  const spread = (await run(["direct", "relay", "cao"], "spread", 15, "totalMs")).samples;
  for (const [label, samples, bound] of [
    ["1 MB burst (1000 x 1 KB events at once), total", burst.samples, 1.1],
    ["4 MB spread over time (16 KB per ms), total", spread, 1.03],
  ] as const) {
    const vsRelay = medianRatio(samples.cao, samples.relay);
    row(
      label,
      ms(median(samples.direct)),
      `${ms(median(samples.relay))} (${x(medianRatio(samples.relay, samples.direct))} direct)`,
      ms(median(samples.cao)),
      x(vsRelay),
      x(medianRatio(samples.cao, samples.direct)),
      `<= ${bound}x relay: ${verdict(vsRelay <= bound)}`,
    );
  }
  row(
    "CPU per MB (burst rounds)",
    "",
    ms(cpuPerMb.relay),
    ms(cpuPerMb.cao),
    x(cpuPerMb.cao / cpuPerMb.relay),
    "",
    "printed",
  );

  // Memory: a fresh gateway, rounds of 100 concurrent 1 MB bursts, then idle.
  const fresh = await procs.gateway(dir("memory"), backend);
  const freshTarget = {
    url: fresh.url,
    headers: { authorization: `Bearer ${tokenOf(dir("memory"), "main")}` },
  };
  await timeResponse(freshTarget, "tiny", "warm");
  const idleRss = rssMb(fresh.pid);
  let peakRss = idleRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(fresh.pid));
  }, 5);
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => timeResponse(freshTarget, "burst", `m${round}-${i}`)),
    );
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssMb(fresh.pid));
  // "After": once the streams are done and the gateway has been idle a moment.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const afterRss = rssMb(fresh.pid);
  row(
    "gateway RSS, 3 rounds of 100 concurrent 1 MB bursts",
    "",
    "",
    `idle ${idleRss.toFixed(1)} MB, peak ${peakRss.toFixed(1)} MB`,
    "",
    "",
    `<= 80 MB: ${verdict(peakRss <= 80)}`,
  );
  row(
    "gateway RSS 3 s after",
    "",
    "",
    `${afterRss.toFixed(1)} MB`,
    "",
    "",
    `< 70 MB: ${verdict(afterRss < 70)}`,
  );
  console.log(out.join("\n"));
} finally {
  procs.stopAll();
  await benchAgent.close();
  fs.rmSync(root, { recursive: true, force: true });
}
