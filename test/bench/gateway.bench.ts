// The gateway's cost, measured side by side in one run against the fake
// backend: every request is made twice, interleaved, once directly to the
// backend and once through a real `cao gateway start` process.
//   added time to first byte (target < 1 ms at p50)
//   streaming throughput through / direct (target >= 0.9x), next to a bare TCP
//   relay's ratio: the floor for any extra process on this machine
//   failover, 429 -> the same request streamed from the next account, added time (target < 10 ms)
//   gateway RSS with 100 concurrent streams (target < 80 MB)
// The backend, the gateway and this client are three processes, so none of them
// steals the others' event loop.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Agent, request } from "undici";
import { GATEWAY_NODE_FLAGS } from "../../src/gateway-process/detach.js";
import { caoBin, repoRoot } from "../helpers/cli.js";
import { percentile } from "./lib/measure.js";

const BIG_BYTES = 4 * 1024 * 1024;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-gateway-"));
const children: ChildProcess[] = [];
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

interface Backend {
  origin: string;
  upstreamBaseUrl: string;
  refreshUrl: string;
}

/** The fake backend in its own process; it also logs in the data dirs' accounts. */
async function startBackend(dirs: Record<string, { name: string; accountId: string }[]>): Promise<Backend> {
  const dist = path.join(repoRoot, "dist");
  const script = `
    import { startFakeBackend } from ${JSON.stringify(path.join(dist, "fake-backend/server.js"))};
    import { registerFakeAccounts, writeSandboxCodexConfig } from ${JSON.stringify(path.join(dist, "gateway/sandbox.js"))};
    const dirs = ${JSON.stringify(dirs)};
    const big = "x".repeat(${BIG_BYTES});
    const backend = await startFakeBackend({
      accounts: [
        { accountId: "b-main", email: "main@example.com" },
        { accountId: "b-spare", email: "spare@example.com" },
        { accountId: "b-out", email: "out@example.com", notIncluded: true },
      ],
      reply: (input) =>
        input.userText === "big" ? { kind: "text", text: big, deltaChars: 16384 }
        : input.userText === "typical" ? { kind: "text", text: big.slice(0, 262144), deltaChars: 256 }
        : { kind: "text", text: "ok" },
    });
    writeSandboxCodexConfig(backend, ${JSON.stringify(path.join(root, "codex"))});
    for (const [dir, accounts] of Object.entries(dirs)) registerFakeAccounts(backend, dir, accounts);
    console.log(JSON.stringify({ origin: backend.origin, upstreamBaseUrl: backend.upstreamBaseUrl, refreshUrl: backend.refreshUrl }));
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, CAO_MAIN_CODEX_HOME: path.join(root, "codex") },
  });
  children.push(child);
  const line = await firstLine(child, (text) => text.startsWith("{"));
  return JSON.parse(line) as Backend;
}

/** A real gateway process (`cao gateway start`) with the detached start's node flags, on a free port. */
async function startGatewayProcess(dir: string, backend: Backend, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    // As `cao gateway start --detach` runs it (GATEWAY_NODE_FLAGS).
    [
      ...GATEWAY_NODE_FLAGS,
      caoBin,
      "gateway",
      "start",
      "--port",
      "0",
      "--base-url",
      backend.upstreamBaseUrl,
      ...extra,
    ],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, CAO_HOME: dir, CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl },
    },
  );
  children.push(child);
  const line = await firstLine(child, (text) => text.includes("gateway listening on"), "stderr");
  const url = /listening on (\S+)/.exec(line)?.[1] ?? "";
  // Keep draining its log so the pipe never blocks it.
  child.stderr?.resume();
  return { url, pid: child.pid ?? 0 };
}

/**
 * A bare TCP relay in its own process (socket.pipe both ways, no HTTP): the
 * floor for any process placed between Codex and the backend on this machine,
 * printed next to the gateway so its throughput ratio can be read against it.
 */
async function startTcpRelay(upstream: string) {
  const { hostname, port } = new URL(upstream);
  const script = `
    import net from "node:net";
    const server = net.createServer((client) => {
      const up = net.connect(${Number(port)}, ${JSON.stringify(hostname)});
      client.pipe(up); up.pipe(client);
      client.on("error", () => up.destroy()); up.on("error", () => client.destroy());
    }).listen(0, "127.0.0.1", () => console.log(server.address().port));`;
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const relayPort = await firstLine(child, (text) => /^\d+$/.test(text.trim()));
  return upstream.replace(`:${port}`, `:${relayPort.trim()}`);
}

function firstLine(
  child: ChildProcess,
  match: (text: string) => boolean,
  from: "stdout" | "stderr" = "stdout",
) {
  return new Promise<string>((resolve, reject) => {
    let buffer = "";
    const stream = from === "stdout" ? child.stdout : child.stderr;
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find(match);
      if (line) {
        stream?.off("data", onData);
        resolve(line);
      }
    };
    stream?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`process exited ${code} before it was ready: ${buffer}`)));
  });
}

const token = (dir: string, name: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, name, "auth.json"), "utf8")).tokens.access_token as string;

const body = (text: string) =>
  JSON.stringify({
    model: "gpt-5",
    stream: true,
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
  });

interface Target {
  url: string;
  headers: Record<string, string>;
}

/** Time to first body byte, and to the end, of one streamed response. */
async function timeOne(
  target: Target,
  text: string,
  session: string,
): Promise<{ firstMs: number; totalMs: number; bytes: number }> {
  const start = performance.now();
  const response = await request(`${target.url}/responses`, {
    method: "POST",
    dispatcher: agent,
    headers: { "content-type": "application/json", "session-id": session, ...target.headers },
    body: body(text),
  });
  let firstMs = 0;
  let bytes = 0;
  for await (const chunk of response.body) {
    if (bytes === 0) firstMs = performance.now() - start;
    bytes += (chunk as Buffer).length;
  }
  if (response.statusCode !== 200) throw new Error(`${target.url}: HTTP ${response.statusCode}`);
  return { firstMs, totalMs: performance.now() - start, bytes };
}

function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const backendPid = () => children[0]?.pid ?? 0;

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const p90 = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    90,
  );
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");

try {
  const mainDir = path.join(root, "main");
  const failoverDir = path.join(root, "failover");
  const memoryDir = path.join(root, "memory");
  const backend = await startBackend({
    [mainDir]: [{ name: "main", accountId: "b-main" }],
    [memoryDir]: [{ name: "main", accountId: "b-main" }],
    // "out" comes first and refuses every request (usage_not_included); with no cooldown the
    // gateway tries it again each time, so every request pays one 429 and a replay on "spare".
    [failoverDir]: [
      { name: "out", accountId: "b-out" },
      { name: "spare", accountId: "b-spare" },
    ],
  });
  const gateway = await startGatewayProcess(mainDir, backend);
  const failover = await startGatewayProcess(failoverDir, backend, ["--cooldown-seconds", "0"]);
  const direct: Target = {
    url: backend.upstreamBaseUrl,
    headers: { authorization: `Bearer ${token(mainDir, "main")}`, "chatgpt-account-id": "b-main" },
  };
  const through: Target = {
    url: gateway.url,
    headers: { authorization: `Bearer ${token(mainDir, "main")}` },
  };
  const viaRelay: Target = { ...direct, url: await startTcpRelay(backend.upstreamBaseUrl) };
  const throughFailover: Target = {
    url: failover.url,
    headers: { authorization: `Bearer ${token(failoverDir, "spare")}` },
  };

  // Time to first byte and failover: small replies, interleaved, after a warm-up.
  const samples = { direct: [] as number[], through: [] as number[], failover: [] as number[] };
  for (let i = 0; i < 320; i++) {
    const record = i >= 20;
    const a = await timeOne(direct, "hi", `d${i}`);
    const b = await timeOne(through, "hi", `g${i}`);
    const c = await timeOne(throughFailover, "hi", `f${i}`);
    if (record) {
      samples.direct.push(a.firstMs);
      samples.through.push(b.firstMs);
      samples.failover.push(c.firstMs);
    }
  }
  const addedFirstByte = median(samples.through) - median(samples.direct);
  const addedFailover = median(samples.failover) - median(samples.through);

  // Throughput: 4 MB replies, interleaved.
  const cpuBefore = { gateway: cpuSeconds(gateway.pid), backend: cpuSeconds(backendPid()) };
  const rates = { direct: [] as number[], through: [] as number[], relay: [] as number[] };
  const wireMb = { direct: 0, through: 0, relay: 0 };
  const rate = (r: { bytes: number; totalMs: number }) => r.bytes / 1048576 / (r.totalMs / 1000);
  for (let i = 0; i < 12; i++) {
    const a = await timeOne(direct, "big", `D${i}`);
    const b = await timeOne(through, "big", `G${i}`);
    const c = await timeOne(viaRelay, "big", `R${i}`);
    wireMb.direct += a.bytes / 1048576;
    wireMb.through += b.bytes / 1048576;
    wireMb.relay += c.bytes / 1048576;
    if (i >= 2) {
      rates.direct.push(rate(a));
      rates.through.push(rate(b));
      rates.relay.push(rate(c));
    }
  }
  const throughputRatio = median(rates.through) / median(rates.direct);
  const relayRatio = median(rates.relay) / median(rates.direct);
  // Per MB that process itself carried: the gateway only the gateway's share, the backend all three.
  const cpu = {
    gateway: ((cpuSeconds(gateway.pid) - cpuBefore.gateway) * 1000) / wireMb.through,
    backend:
      ((cpuSeconds(backendPid()) - cpuBefore.backend) * 1000) /
      (wireMb.direct + wireMb.through + wireMb.relay),
  };

  // Memory: a fresh gateway's peak RSS while 100 large streams pass at once.
  const fresh = await startGatewayProcess(memoryDir, backend);
  const throughFresh: Target = {
    url: fresh.url,
    headers: { authorization: `Bearer ${token(memoryDir, "main")}` },
  };
  const rss = () =>
    Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${fresh.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  await timeOne(throughFresh, "hi", "warm");
  const idleRss = rss();
  const peakWhile = async (text: string) => {
    let peak = rss();
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss());
    }, 10);
    await Promise.all(Array.from({ length: 100 }, (_, i) => timeOne(throughFresh, text, `${text}${i}`)));
    clearInterval(sampler);
    return Math.max(peak, rss());
  };
  // Typical: answers of 256 KB in 1000 small deltas; stress: 4 MB each, as fast as loopback goes.
  const typicalRss = await peakWhile("typical");
  const stressRss = await peakWhile("big");
  // Sustained: four more typical rounds. A stream's objects outlive the young generation, so
  // their garbage piles up in the old one until a full collection: the first round alone does
  // not show the peak of a gateway that keeps serving.
  let sustainedRss = 0;
  for (let round = 0; round < 4; round++) sustainedRss = Math.max(sustainedRss, await peakWhile("typical"));

  console.log("\n## gateway overhead (fake backend, loopback, separate processes)");
  console.log("| measure | direct | through the gateway | difference | target |");
  console.log("| --- | ---: | ---: | ---: | --- |");
  console.log(
    `| time to first byte p50 (p90) | ${median(samples.direct).toFixed(2)} ms (${p90(samples.direct).toFixed(2)}) | ${median(samples.through).toFixed(2)} ms (${p90(samples.through).toFixed(2)}) | +${addedFirstByte.toFixed(2)} ms | < 1 ms: ${verdict(addedFirstByte < 1)} |`,
  );
  console.log(
    `| failover 429 -> next account, first byte p50 | ${median(samples.through).toFixed(2)} ms (no 429) | ${median(samples.failover).toFixed(2)} ms | +${addedFailover.toFixed(2)} ms | < 10 ms: ${verdict(addedFailover < 10)} |`,
  );
  console.log(
    `| streaming throughput, 4 MB replies (median) | ${median(rates.direct).toFixed(0)} MB/s | ${median(rates.through).toFixed(0)} MB/s | ${throughputRatio.toFixed(3)}x | >= 0.9x: ${verdict(throughputRatio >= 0.9)} |`,
  );
  console.log(
    `| reference: a bare TCP relay process (socket.pipe, no HTTP) | ${median(rates.direct).toFixed(0)} MB/s | ${median(rates.relay).toFixed(0)} MB/s | ${relayRatio.toFixed(3)}x | the floor for any process in between; gateway / relay = ${(throughputRatio / relayRatio).toFixed(3)} |`,
  );
  console.log(
    `| gateway RSS, 100 concurrent typical streams (256 KB) | idle ${idleRss.toFixed(1)} MB | peak ${typicalRss.toFixed(1)} MB | | < 80 MB: ${verdict(typicalRss < 80)} |`,
  );
  console.log(
    `| gateway RSS, 100 concurrent 4 MB streams (stress) | | peak ${stressRss.toFixed(1)} MB | | |`,
  );
  console.log(
    `| gateway RSS, then 4 more rounds of 100 typical streams (sustained) | | peak ${sustainedRss.toFixed(1)} MB | | < 80 MB: ${verdict(sustainedRss < 80)} |`,
  );
  console.log(
    `\nCPU per MB streamed: gateway ${cpu.gateway.toFixed(2)} ms, fake backend ${cpu.backend.toFixed(2)} ms (${os.cpus().length} cores: through the gateway or the relay three busy processes share them, directly two).`,
  );
} finally {
  for (const child of children) child.kill("SIGTERM");
  await agent.close();
  fs.rmSync(root, { recursive: true, force: true });
}
