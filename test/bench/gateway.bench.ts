// The gateway's cost on the HTTP path, against a bare TCP relay (the floor for
// any process between Codex and the upstream), a minimal HTTP proxy made of
// the gateway's own parts ("http floor": what any HTTP-aware hop costs) and
// going direct, all to the same fake backend in the same run, interleaved and
// paired (see lib/paired.ts). Targets (issue 12):
//   tiny answer: time to first byte <= relay + 0.5 ms (p50 of paired differences)
//   1 MB burst (1000 x 1 KB events written at once): total <= 1.10x the relay's
//   4 MB spread over time: total <= 1.03x the relay's
//   failover (429 -> the next account's stream): <= +5 ms first byte
//   peak RSS <= 80 MB with 100 concurrent 1 MB streams, < 70 MB after
//   CPU per MB printed for the gateway and the relay
// Run: npm run bench -- gateway   (or: npm run build && node --import tsx test/bench/gateway.bench.ts)
// CAO_BENCH_SCALE=0.3 runs fewer rounds; CAO_BENCH_NODE_FLAGS="..." tries other gateway node flags;
// CAO_BENCH_BASELINE=<other checkout>/dist/bin/cao.cjs measures that build too, as "before", in the
// same rounds (a before/after comparison that the machine's load cannot skew).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { caoBin } from "../helpers/cli.js";
import { benchAgent, type HttpTarget, timeResponse } from "./lib/http-client.js";
import { median, medianDifference, medianRatio, p90, pairedRounds, verdict } from "./lib/paired.js";
import { cpuMs, gatewayFlags, Processes, rssMb, type Shape, tokenOf } from "./lib/processes.js";

const scale = Number(process.env.CAO_BENCH_SCALE ?? 1);
const rounds = (n: number) => Math.max(3, Math.round(n * scale));
const baseline = process.env.CAO_BENCH_BASELINE;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-gateway-"));
const procs = new Processes(root);
const out: string[] = [];
const row = (...cells: string[]) => out.push(`| ${cells.join(" | ")} |`);
const ms = (value: number, digits = 2) => `${value.toFixed(digits)} ms`;
const x = (value: number) => `${value.toFixed(3)}x`;
const withP90 = (values: number[]) => `${ms(median(values), 3)} (${p90(values).toFixed(3)})`;

/** The gateways under test: this checkout's, and the baseline's when given. */
const builds = { cao: caoBin, ...(baseline && { before: baseline }) } as Record<string, string>;
const gatewayNames = Object.keys(builds);

try {
  const dir = (name: string) => path.join(root, name);
  const logins: Record<string, { name: string; accountId: string }[]> = {};
  for (const name of gatewayNames) {
    logins[dir(name)] = [{ name: "main", accountId: "b-main" }];
    logins[dir(`${name}-memory`)] = [{ name: "main", accountId: "b-main" }];
  }
  // "out" comes first and refuses every request (usage_not_included); with no cooldown the
  // gateway tries it again each time, so every request pays one 429 and a replay on "spare".
  logins[dir("failover")] = [
    { name: "out", accountId: "b-out" },
    { name: "spare", accountId: "b-spare" },
  ];
  const backend = await procs.backend(logins);
  const mainToken = tokenOf(dir("cao"), "main");
  const direct: HttpTarget = {
    url: backend.upstreamBaseUrl,
    headers: { authorization: `Bearer ${mainToken}`, "chatgpt-account-id": "b-main" },
  };
  const relay = await procs.relay(backend.upstreamBaseUrl);
  const floor = await procs.httpFloor(backend.upstreamBaseUrl);
  const failover = await procs.gateway(dir("failover"), backend, ["--cooldown-seconds", "0"]);
  const targets: Record<string, HttpTarget> = {
    direct,
    relay: { ...direct, url: relay.url },
    floor: { ...direct, url: floor.url },
    failover: {
      url: failover.url,
      headers: { authorization: `Bearer ${tokenOf(dir("failover"), "spare")}` },
    },
  };
  const pids: Record<string, number> = { relay: relay.pid, floor: floor.pid };
  for (const name of gatewayNames) {
    const gateway = await procs.gateway(dir(name), backend, [], builds[name]);
    targets[name] = { url: gateway.url, headers: { authorization: `Bearer ${tokenOf(dir(name), "main")}` } };
    pids[name] = gateway.pid;
  }
  const run = (names: readonly string[], shape: Shape, n: number, pick: "firstMs" | "totalMs") => {
    const bytes: Record<string, number> = {};
    return pairedRounds(names, { rounds: rounds(n), warmup: Math.ceil(rounds(n) / 10) }, async (name, i) => {
      const timing = await timeResponse(targets[name]!, shape, `${shape}-${name}-${i}`);
      bytes[name] = (bytes[name] ?? 0) + timing.bytes;
      return timing[pick];
    }).then((samples) => ({ samples, bytes }));
  };
  const hops = ["direct", "relay", "floor", ...gatewayNames];

  out.push("\n## gateway (HTTP): cao vs a bare TCP relay vs direct, interleaved and paired");
  out.push(
    `${os.availableParallelism()} cores, shared; node ${process.version}; gateway flags: ${gatewayFlags().join(" ") || "(none)"}`,
  );
  out.push(
    "relay: a bare TCP relay (socket.pipe); http floor: Node's HTTP server + undici forwarding, none of cao's work",
  );
  row(
    "measure",
    "direct",
    "relay",
    "http floor",
    "cao",
    "cao vs relay",
    "cao vs direct",
    "cao vs floor",
    "target",
  );
  row("---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---");
  const before: string[] = [];

  // Time to first byte (and failover) on tiny answers.
  const tiny = (await run([...hops, "failover"], "tiny", 400, "firstMs")).samples;
  const ttfb = (name: string) => medianDifference(tiny[name]!, tiny.relay!);
  row(
    "tiny answer, time to first byte p50 (p90)",
    withP90(tiny.direct!),
    withP90(tiny.relay!),
    withP90(tiny.floor!),
    withP90(tiny.cao!),
    `+${ms(ttfb("cao"), 3)}`,
    `+${ms(medianDifference(tiny.cao!, tiny.direct!), 3)}`,
    `+${ms(medianDifference(tiny.cao!, tiny.floor!), 3)}`,
    `<= relay + 0.5 ms: ${verdict(ttfb("cao") <= 0.5)} (aim + 0.3 ms: ${verdict(ttfb("cao") <= 0.3)})`,
  );
  if (baseline)
    before.push(`| tiny answer, first byte vs relay | +${ms(ttfb("before"), 3)} | +${ms(ttfb("cao"), 3)} |`);
  const addedFailover = medianDifference(tiny.failover!, tiny.cao!);
  row(
    "failover 429 -> next account, first byte p50",
    "",
    "",
    "",
    ms(median(tiny.failover!), 3),
    "",
    `+${ms(addedFailover, 3)} over cao without the 429`,
    "",
    `<= +5 ms: ${verdict(addedFailover <= 5)}`,
  );

  // Throughput shapes, with the CPU each hop spent on the burst.
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const burst = await run(hops, "burst", 300, "totalMs");
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [
      name,
      (cpuMs(pid) - (cpuBefore[name] ?? 0)) / ((burst.bytes[name] ?? 0) / 1048576),
    ]),
  );
  const spread = (await run(hops, "spread", 15, "totalMs")).samples;
  for (const [label, samples, bound] of [
    ["1 MB burst (1000 x 1 KB events at once), total", burst.samples, 1.1],
    ["4 MB spread over time (16 KB per ms), total", spread, 1.03],
  ] as const) {
    const vsRelay = (name: string) => medianRatio(samples[name]!, samples.relay!);
    row(
      label,
      ms(median(samples.direct!)),
      `${ms(median(samples.relay!))} (${x(medianRatio(samples.relay!, samples.direct!))} direct)`,
      `${ms(median(samples.floor!))} (${x(vsRelay("floor"))} relay)`,
      ms(median(samples.cao!)),
      x(vsRelay("cao")),
      x(medianRatio(samples.cao!, samples.direct!)),
      x(medianRatio(samples.cao!, samples.floor!)),
      `<= ${bound}x relay: ${verdict(vsRelay("cao") <= bound)}`,
    );
    if (baseline) before.push(`| ${label}, vs relay | ${x(vsRelay("before"))} | ${x(vsRelay("cao"))} |`);
  }
  row(
    "CPU per MB (burst rounds)",
    "",
    ms(cpu.relay!),
    ms(cpu.floor!),
    ms(cpu.cao!),
    x(cpu.cao! / cpu.relay!),
    "",
    x(cpu.cao! / cpu.floor!),
    "printed",
  );
  if (baseline) before.push(`| CPU per MB (burst) | ${ms(cpu.before!)} | ${ms(cpu.cao!)} |`);

  // Memory: fresh gateways and a fresh http floor (what any Node HTTP hop with the same flags holds
  // for the same streams), rounds of 100 concurrent 1 MB bursts (each in turn), then idle.
  const memory: Record<string, { pid: number; target: HttpTarget; idle: number; peak: number }> = {};
  for (const name of gatewayNames) {
    const fresh = await procs.gateway(dir(`${name}-memory`), backend, [], builds[name]);
    const target = {
      url: fresh.url,
      headers: { authorization: `Bearer ${tokenOf(dir(`${name}-memory`), "main")}` },
    };
    await timeResponse(target, "tiny", "warm");
    memory[name] = { pid: fresh.pid, target, idle: rssMb(fresh.pid), peak: 0 };
  }
  const freshFloor = await procs.httpFloor(backend.upstreamBaseUrl);
  const floorTarget = { ...direct, url: freshFloor.url };
  await timeResponse(floorTarget, "tiny", "warm");
  memory.floor = { pid: freshFloor.pid, target: floorTarget, idle: rssMb(freshFloor.pid), peak: 0 };
  const sampler = setInterval(() => {
    for (const m of Object.values(memory)) m.peak = Math.max(m.peak, rssMb(m.pid));
  }, 5);
  await pairedRounds([...gatewayNames, "floor"], { rounds: 3, warmup: 0 }, async (name, round) => {
    const { target } = memory[name]!;
    await Promise.all(Array.from({ length: 100 }, (_, i) => timeResponse(target, "burst", `m${round}-${i}`)));
    return 0;
  });
  clearInterval(sampler);
  // "After": once the streams are done and the gateway has been idle a moment.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = Object.fromEntries(Object.entries(memory).map(([name, m]) => [name, rssMb(m.pid)]));
  const cao = memory.cao!;
  const floorRss = memory.floor;
  row(
    "gateway RSS, 3 rounds of 100 concurrent 1 MB bursts",
    "",
    "",
    `idle ${floorRss.idle.toFixed(1)} MB, peak ${floorRss.peak.toFixed(1)} MB`,
    `idle ${cao.idle.toFixed(1)} MB, peak ${cao.peak.toFixed(1)} MB`,
    "",
    "",
    `peak +${(cao.peak - floorRss.peak).toFixed(1)} MB`,
    `<= 80 MB: ${verdict(cao.peak <= 80)}`,
  );
  row(
    "gateway RSS 3 s after",
    "",
    "",
    `${after.floor!.toFixed(1)} MB`,
    `${after.cao!.toFixed(1)} MB`,
    "",
    "",
    `+${(after.cao! - after.floor!).toFixed(1)} MB`,
    `< 70 MB: ${verdict(after.cao! < 70)}`,
  );
  if (baseline) {
    const b = memory.before!;
    before.push(
      `| RSS idle / peak / 3 s after | ${b.idle.toFixed(1)} / ${b.peak.toFixed(1)} / ${after.before!.toFixed(1)} MB | ${cao.idle.toFixed(1)} / ${cao.peak.toFixed(1)} / ${after.cao!.toFixed(1)} MB |`,
    );
    out.push(`\n### before (${baseline}) and after (this checkout), same rounds`);
    out.push("| measure | before | after |", "| --- | ---: | ---: |", ...before);
  }
  console.log(out.join("\n"));
} finally {
  await procs.stop();
  await benchAgent.close();
  fs.rmSync(root, { recursive: true, force: true });
}
