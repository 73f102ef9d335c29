// The WebSocket relay's cost, side by side in one run against the fake backend
// in WebSocket mode: the same message round trip (a `response.create` prewarm,
// answered at once with `response.created` + `response.completed`) on a socket
// straight to the backend and on one through a real `cao gateway start`
// process, interleaved. Two relayed frames lie on a round trip's critical path
// (the request up, `response.completed` down; `response.created` overlaps), so
// the added latency per frame is half the added round-trip time.
// Target: < 0.5 ms per frame at p50.
// Backend, gateway and this client are three processes (no shared event loop).
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { WebSocket } from "ws";
import { GATEWAY_NODE_FLAGS } from "../../src/gateway-process/detach.js";
import { caoBin, repoRoot } from "../helpers/cli.js";
import { percentile } from "./lib/measure.js";

const ROUNDS = 2000;
const WARMUP = 200;
/** Relayed frames on a round trip's critical path: the request up, `response.completed` down. */
const FRAMES_PER_ROUND_TRIP = 2;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-ws-"));
const dataDir = path.join(root, "data");
const children: ChildProcess[] = [];

function firstLine(child: ChildProcess, from: "stdout" | "stderr", match: (text: string) => boolean) {
  return new Promise<string>((resolve, reject) => {
    let buffer = "";
    const stream = from === "stdout" ? child.stdout : child.stderr;
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find(match);
      if (line) {
        stream?.off("data", onData);
        stream?.resume();
        resolve(line);
      }
    };
    stream?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited ${code} before it was ready: ${buffer}`)));
  });
}

async function startBackend(): Promise<{
  codexBaseUrl: string;
  upstreamBaseUrl: string;
  refreshUrl: string;
}> {
  const dist = path.join(repoRoot, "dist");
  const script = `
    import { startFakeBackend } from ${JSON.stringify(path.join(dist, "fake-backend/server.js"))};
    import { registerFakeAccounts } from ${JSON.stringify(path.join(dist, "gateway/sandbox.js"))};
    const backend = await startFakeBackend({ websocket: true, accounts: [{ accountId: "ws-main", email: "main@example.com" }] });
    registerFakeAccounts(backend, ${JSON.stringify(dataDir)}, [{ name: "main", accountId: "ws-main" }]);
    console.log(JSON.stringify({ codexBaseUrl: backend.codexBaseUrl, upstreamBaseUrl: backend.upstreamBaseUrl, refreshUrl: backend.refreshUrl }));
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, CAO_MAIN_CODEX_HOME: path.join(root, "codex") },
  });
  children.push(child);
  return JSON.parse(await firstLine(child, "stdout", (text) => text.startsWith("{")));
}

async function startGatewayProcess(upstreamBaseUrl: string, refreshUrl: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [...GATEWAY_NODE_FLAGS, caoBin, "gateway", "start", "--port", "0", "--base-url", upstreamBaseUrl],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, CAO_HOME: dataDir, CODEX_REFRESH_TOKEN_URL_OVERRIDE: refreshUrl },
    },
  );
  children.push(child);
  const line = await firstLine(child, "stderr", (text) => text.includes("gateway listening on"));
  return /listening on (\S+)/.exec(line)?.[1] ?? "";
}

/** An open socket and a function that times one request/response round trip on it. */
async function roundTripper(
  baseUrl: string,
  token: string,
): Promise<{ ws: WebSocket; once: () => Promise<number> }> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/responses`, {
    headers: { authorization: `Bearer ${token}`, "session-id": `bench-${baseUrl}` },
    perMessageDeflate: false,
  });
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let done: (() => void) | undefined;
  ws.on("message", (data) => {
    if (String(data).includes('"response.completed"')) done?.();
  });
  const frame = JSON.stringify({ type: "response.create", model: "gpt-5", generate: false, input: [] });
  return {
    ws,
    once: () =>
      new Promise<number>((resolve) => {
        const start = performance.now();
        done = () => resolve(performance.now() - start);
        ws.send(frame);
      }),
  };
}

try {
  const backend = await startBackend();
  const gatewayUrl = await startGatewayProcess(backend.upstreamBaseUrl, backend.refreshUrl);
  const token = JSON.parse(fs.readFileSync(path.join(dataDir, "main", "auth.json"), "utf8")).tokens
    .access_token;
  const direct = await roundTripper(backend.codexBaseUrl, token);
  const through = await roundTripper(gatewayUrl, token);
  const samples = { direct: [] as number[], through: [] as number[] };
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // Alternate which goes first, so neither always gets the warmer moment.
    const order = round % 2 === 0 ? (["direct", "through"] as const) : (["through", "direct"] as const);
    for (const which of order) {
      const ms = await (which === "direct" ? direct : through).once();
      if (round >= WARMUP) samples[which].push(ms);
    }
  }
  const p50 = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  const p90 = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      90,
    );
  const directP50 = p50(samples.direct);
  const throughP50 = p50(samples.through);
  const perFrame = (throughP50 - directP50) / FRAMES_PER_ROUND_TRIP;
  console.log("\n## WebSocket relay: message round trip, direct vs through the gateway");
  console.log("| case | p50 ms | p90 ms | ratio to direct |");
  console.log("| --- | ---: | ---: | ---: |");
  console.log(`| direct | ${directP50.toFixed(3)} | ${p90(samples.direct).toFixed(3)} | 1.000x |`);
  console.log(
    `| through the gateway | ${throughP50.toFixed(3)} | ${p90(samples.through).toFixed(3)} | ${(throughP50 / directP50).toFixed(3)}x |`,
  );
  console.log(
    `added per relayed frame at p50: ${perFrame.toFixed(3)} ms (target < 0.5 ms: ${perFrame < 0.5 ? "met" : "MISSED"})`,
  );
  direct.ws.close();
  through.ws.close();
} finally {
  for (const child of children) child.kill();
  fs.rmSync(root, { recursive: true, force: true });
}
