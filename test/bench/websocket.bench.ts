// The WebSocket relay's cost, against a bare TCP relay and going direct, all
// to the same fake backend (WebSocket mode) in the same run, interleaved and
// paired (lib/paired.ts). Targets (issue 12):
//   per-frame added latency <= the relay's + 0.05 ms: a prewarm round trip
//     (`response.create` up, `response.created` + `response.completed` down)
//     has two relayed frames on its critical path, so per frame is half the
//     added round-trip time;
//   1 MB of frames (1000 x ~1 KB events) <= 1.05x the relay's time.
// The ws floor (lib/processes.ts wsFloor: the `ws` library relaying messages,
// none of cao's work) shows what any WebSocket-aware hop costs.
// Run: npm run bench -- websocket   (or: npm run build && node --import tsx test/bench/websocket.bench.ts)
// CAO_BENCH_BASELINE=<other checkout>/dist/bin/cao.cjs measures that build too, as "before", in the same rounds.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { WebSocket } from "ws";
import { median, medianDifference, medianRatio, p90, pairedRounds, verdict } from "./lib/paired.js";
import { gatewayFlags, Processes, tokenOf } from "./lib/processes.js";

const scale = Number(process.env.CAO_BENCH_SCALE ?? 1);
const rounds = (n: number) => Math.max(3, Math.round(n * scale));
/** Relayed frames on a round trip's critical path: the request up, `response.completed` down. */
const FRAMES_PER_ROUND_TRIP = 2;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-ws-"));
const procs = new Processes(root);

/** An open socket and a function that times one request until its `response.completed`. */
async function connect(baseUrl: string, token: string, name: string) {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/responses`, {
    headers: { authorization: `Bearer ${token}`, "session-id": `bench-${name}` },
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let done: (() => void) | undefined;
  const completed = Buffer.from('"response.completed"');
  ws.on("message", (data: Buffer) => {
    if (data.includes(completed)) done?.();
  });
  const frame = (generate: boolean, text: string) =>
    JSON.stringify({
      type: "response.create",
      model: "gpt-5",
      generate,
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
    });
  const prewarm = frame(false, "tiny");
  const burst = frame(true, "burst");
  const time = (message: string) =>
    new Promise<number>((resolve) => {
      const start = performance.now();
      done = () => resolve(performance.now() - start);
      ws.send(message);
    });
  return { ws, roundTrip: () => time(prewarm), megabyte: () => time(burst) };
}

try {
  const dataDir = path.join(root, "data");
  const backend = await procs.backend({
    [dataDir]: [{ name: "main", accountId: "b-main" }],
    [path.join(root, "before")]: [{ name: "main", accountId: "b-main" }],
  });
  const gateway = await procs.gateway(dataDir, backend);
  const baseline = process.env.CAO_BENCH_BASELINE;
  const beforeDir = path.join(root, "before");
  const before = baseline ? await procs.gateway(beforeDir, backend, [], baseline) : undefined;
  const relay = await procs.relay(backend.codexBaseUrl);
  const floor = await procs.wsFloor(backend.codexBaseUrl);
  const token = tokenOf(dataDir, "main");
  const sockets: Record<string, Awaited<ReturnType<typeof connect>>> = {
    direct: await connect(backend.codexBaseUrl, token, "direct"),
    relay: await connect(relay.url, token, "relay"),
    floor: await connect(floor.url, token, "floor"),
    cao: await connect(gateway.url, token, "cao"),
  };
  if (before) sockets.before = await connect(before.url, tokenOf(beforeDir, "main"), "before");
  const names = Object.keys(sockets);
  const n = rounds(2000);
  type Samples = Record<string, number[]> & Record<"direct" | "relay" | "floor" | "cao", number[]>;
  const trip = <Samples>(
    await pairedRounds(names, { rounds: n, warmup: Math.ceil(n / 10) }, (name) => sockets[name]!.roundTrip())
  );
  const m = rounds(200);
  const mb = <Samples>(
    await pairedRounds(names, { rounds: m, warmup: Math.ceil(m / 10) }, (name) => sockets[name]!.megabyte())
  );
  const perFrame = (a: number[], b: number[]) => medianDifference(a, b) / FRAMES_PER_ROUND_TRIP;
  const caoOverRelay = perFrame(trip.cao, trip.relay);
  const mbRatio = medianRatio(mb.cao, mb.relay);
  const out = [
    "\n## gateway (WebSocket): cao vs a bare TCP relay vs direct, interleaved and paired",
    `${os.availableParallelism()} cores, shared; node ${process.version}; gateway flags: ${gatewayFlags().join(" ") || "(none)"}`,
    "relay: a bare TCP relay (socket.pipe); ws floor: the `ws` library relaying messages, none of cao's work",
    "| measure | direct | relay | ws floor | cao | cao vs relay | cao vs direct | cao vs floor | target |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    `| prewarm round trip p50 (p90) | ${median(trip.direct).toFixed(3)} ms (${p90(trip.direct).toFixed(3)}) | ${median(trip.relay).toFixed(3)} ms (${p90(trip.relay).toFixed(3)}) | ${median(trip.floor).toFixed(3)} ms (${p90(trip.floor).toFixed(3)}) | ${median(trip.cao).toFixed(3)} ms (${p90(trip.cao).toFixed(3)}) | | | | |`,
    `| added per relayed frame p50 | | +${perFrame(trip.relay, trip.direct).toFixed(3)} ms | +${perFrame(trip.floor, trip.direct).toFixed(3)} ms | +${perFrame(trip.cao, trip.direct).toFixed(3)} ms | +${caoOverRelay.toFixed(3)} ms | | +${perFrame(trip.cao, trip.floor).toFixed(3)} ms | <= relay + 0.05 ms: ${verdict(caoOverRelay <= 0.05)} |`,
    `| 1 MB of frames (1000 x ~1 KB), total | ${median(mb.direct).toFixed(2)} ms | ${median(mb.relay).toFixed(2)} ms (${medianRatio(mb.relay, mb.direct).toFixed(3)}x direct) | ${median(mb.floor).toFixed(2)} ms (${medianRatio(mb.floor, mb.relay).toFixed(3)}x relay) | ${median(mb.cao).toFixed(2)} ms | ${mbRatio.toFixed(3)}x | ${medianRatio(mb.cao, mb.direct).toFixed(3)}x | ${medianRatio(mb.cao, mb.floor).toFixed(3)}x | <= 1.05x relay: ${verdict(mbRatio <= 1.05)} |`,
  ];
  if (before) {
    out.push(
      `\n### before (${baseline}) and after (this checkout), same rounds`,
      "| measure | before | after |",
      "| --- | ---: | ---: |",
      `| added per relayed frame vs relay | +${perFrame(trip.before!, trip.relay!).toFixed(3)} ms | +${caoOverRelay.toFixed(3)} ms |`,
      `| 1 MB of frames vs relay | ${medianRatio(mb.before!, mb.relay!).toFixed(3)}x | ${mbRatio.toFixed(3)}x |`,
    );
  }
  console.log(out.join("\n"));
  for (const socket of Object.values(sockets)) socket.ws.close();
} finally {
  await procs.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
