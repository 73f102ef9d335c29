import assert from "node:assert/strict";
import { once } from "node:events";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { DEFAULT_GATEWAY_CONFIG } from "../../src/gateway/config.js";
import { type Gateway, startGateway } from "../../src/gateway/server.js";
import { scaled, waitUntil } from "../helpers/deadline.js";
import { tempWorld } from "../helpers/temp.js";

/**
 * The WebSocket relay itself, against a scripted upstream on loopback: frames
 * keep their kind and bytes, ping/pong and close codes cross, upgrade headers
 * reach the client, bad upgrades are refused, a 426 upstream means HTTP.
 */
let backend: FakeBackend;
let upstream: http.Server;
let upstreamOrigin: string;
let answer426 = false;
const FLOOD_FRAMES = 256;
const FLOOD_FRAME_BYTES = 256 * 1024;
const seen = {
  floodStillQueued: -1,
  pings: [] as string[],
  pongs: [] as string[],
  closes: [] as number[],
  authorization: [] as string[],
};
let gateway: Gateway;
let bearer: string;
// Not tempWorld(): its cleanup hook, registered from before(), would run after the first test.
const sharedDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cao-ws-relay-"));

before(async () => {
  // Only for minting tokens the gateway accepts from its caller and sends upstream.
  backend = await startFakeBackend({ accounts: [{ accountId: "acc-r1", email: "r1@example.com" }] });
  const wss = new WebSocketServer({ noServer: true });
  wss.on("headers", (headers) =>
    headers.push("x-codex-primary-used-percent: 12", "x-codex-primary-window-minutes: 300"),
  );
  wss.on("connection", (ws, req) => {
    seen.authorization.push(String(req.headers.authorization));
    ws.on("message", (data, isBinary) => {
      const text = isBinary ? "" : String(data);
      if (text.startsWith("close:")) ws.close(Number(text.slice(6)), "upstream says bye");
      else if (text === "ping me") ws.ping("heartbeat");
      else if (text === "flood") {
        for (let i = 0; i < FLOOD_FRAMES; i++) ws.send(Buffer.alloc(FLOOD_FRAME_BYTES, 97), { binary: true });
        setTimeout(() => {
          seen.floodStillQueued = ws.bufferedAmount;
        }, 700);
      } else ws.send(data, { binary: isBinary });
    });
    ws.on("ping", (data) => seen.pings.push(String(data)));
    ws.on("pong", (data) => seen.pongs.push(String(data)));
    ws.on("close", (code) => seen.closes.push(code));
  });
  upstream = http.createServer((_req, res) => res.writeHead(404).end());
  upstream.on("upgrade", (req, socket, head) => {
    if (answer426) socket.end("HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n");
    else wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  fs.mkdirSync(path.join(sharedDataDir, "r1"), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(sharedDataDir, "registry.json"),
    JSON.stringify({ default_account: "r1", accounts: ["r1"] }),
  );
  const { authJson } = backend.mintAuth("acc-r1");
  fs.writeFileSync(path.join(sharedDataDir, "r1", "auth.json"), JSON.stringify(authJson), { mode: 0o600 });
  bearer = (authJson.tokens as { access_token: string }).access_token;
  gateway = await startGateway({
    config: {
      ...DEFAULT_GATEWAY_CONFIG,
      port: 0,
      baseUrl: `${upstreamOrigin}/backend-api/codex`,
      upstreamRetries: 0,
    },
    dir: sharedDataDir,
    log: () => {},
    refreshUrl: backend.refreshUrl,
  });
});
after(async () => {
  await gateway.close();
  upstream.closeAllConnections();
  upstream.close();
  await backend.close();
  fs.rmSync(sharedDataDir, { recursive: true, force: true });
});

async function connect(
  headers: Record<string, string> = { authorization: `Bearer ${bearer}` },
  route = "/responses",
): Promise<{ ws: WebSocket; upgradeHeaders: http.IncomingHttpHeaders }> {
  const ws = new WebSocket(`${gateway.url.replace("http", "ws")}${route}`, { headers });
  let upgradeHeaders: http.IncomingHttpHeaders = {};
  ws.once("upgrade", (response) => {
    upgradeHeaders = response.headers;
  });
  await once(ws, "open");
  return { ws, upgradeHeaders };
}

async function refused(headers: Record<string, string>, route = "/responses"): Promise<number> {
  const ws = new WebSocket(`${gateway.url.replace("http", "ws")}${route}`, { headers });
  ws.on("error", () => {});
  const [, response] = (await once(ws, "unexpected-response")) as [unknown, http.IncomingMessage];
  ws.terminate();
  return response.statusCode ?? 0;
}

function until(check: () => boolean): Promise<void> {
  return waitUntil(check, { describe: () => String(check), intervalMs: 5 });
}

test("frames keep their kind and bytes both ways; upstream gets the account's token, client its headers", async () => {
  const { ws, upgradeHeaders } = await connect();
  assert.equal(upgradeHeaders["x-codex-primary-used-percent"], "12");
  assert.equal(seen.authorization.at(-1), `Bearer ${bearer}`);
  const received: Array<{ data: Buffer; isBinary: boolean }> = [];
  ws.on("message", (data, isBinary) => received.push({ data: data as Buffer, isBinary }));
  const big = Buffer.alloc(1024 * 1024, "x");
  const binary = Buffer.from([0, 1, 2, 255]);
  ws.send('{"type":"response.create","input":[]}');
  ws.send(binary, { binary: true });
  ws.send(big.toString());
  await until(() => received.length === 3);
  assert.deepEqual(
    received.map((m) => [m.isBinary, m.data.length]),
    [
      [false, 37],
      [true, 4],
      [false, big.length],
    ],
  );
  assert.deepEqual(received[1]?.data, binary);
  ws.close();
});

test("ping/pong cross the gateway in both directions", async () => {
  const { ws } = await connect();
  ws.ping("are you there");
  const [pong] = (await once(ws, "pong")) as [Buffer];
  assert.equal(String(pong), "are you there");
  assert.ok(seen.pings.includes("are you there"), "the upstream saw the client's ping");
  ws.send("ping me");
  const [ping] = (await once(ws, "ping")) as [Buffer];
  assert.equal(String(ping), "heartbeat");
  await until(() => seen.pongs.includes("heartbeat"));
  ws.close();
});

test("close codes cross the gateway in both directions", async () => {
  const first = await connect();
  first.ws.close(4002, "client done");
  // (Other tests' sockets close with 1005, no code, at their own pace.)
  await until(() => seen.closes.includes(4002));

  const second = await connect();
  second.ws.send("close:4003");
  const [code, reason] = (await once(second.ws, "close")) as [number, Buffer];
  assert.equal(code, 4003);
  assert.equal(String(reason), "upstream says bye");
});

test("bad upgrades are refused: unknown caller 401, other paths 404; a 426 upstream means HTTP", async () => {
  assert.equal(await refused({ authorization: "Bearer not-one-of-yours" }), 401);
  assert.equal(await refused({}), 401);
  assert.equal(await refused({ authorization: `Bearer ${bearer}` }, "/models"), 404);
  answer426 = true;
  try {
    assert.equal(await refused({ authorization: `Bearer ${bearer}` }), 426);
  } finally {
    answer426 = false;
  }
});

test("stopping the gateway closes its WebSocket sessions (going away)", async () => {
  const world = tempWorld();
  fs.mkdirSync(path.join(world.dataDir, "r1"), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(world.dataDir, "registry.json"),
    JSON.stringify({ default_account: "r1", accounts: ["r1"] }),
  );
  const { authJson } = backend.mintAuth("acc-r1");
  fs.writeFileSync(path.join(world.dataDir, "r1", "auth.json"), JSON.stringify(authJson), { mode: 0o600 });
  const own = await startGateway({
    config: { ...DEFAULT_GATEWAY_CONFIG, port: 0, baseUrl: `${upstreamOrigin}/backend-api/codex` },
    dir: world.dataDir,
    log: () => {},
    refreshUrl: backend.refreshUrl,
  });
  const token = (authJson.tokens as { access_token: string }).access_token;
  const ws = new WebSocket(`${own.url.replace("http", "ws")}/responses`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await once(ws, "open");
  const closed = once(ws, "close");
  const started = Date.now();
  await own.close();
  const [code] = (await closed) as [number];
  assert.equal(code, 1001);
  const tookMs = Date.now() - started;
  assert.ok(tookMs < scaled(1500), `close took ${tookMs} ms: it waited for the socket`);
});

test("backpressure: a client that stops reading stops the gateway reading upstream (no buffering it all)", async () => {
  const { ws } = await connect();
  let received = 0;
  ws.on("message", () => received++);
  ws.send("flood");
  ws.pause();
  await until(() => seen.floodStillQueued >= 0);
  // 64 MB were sent; with the client paused, most of it must still wait at the upstream, not in the gateway.
  assert.ok(
    seen.floodStillQueued > 32 * 1024 * 1024,
    `only ${seen.floodStillQueued} bytes still queued upstream`,
  );
  ws.resume();
  await waitUntil(() => received >= FLOOD_FRAMES, {
    timeoutMs: 10_000,
    describe: () => `${received} of ${FLOOD_FRAMES} frames received`,
  });
  assert.equal(received, FLOOD_FRAMES);
  ws.close();
});
