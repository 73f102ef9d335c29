import assert from "node:assert/strict";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { WebSocket, WebSocketServer } from "ws";
import { eventually, gatewayWorld, type NamedAccount, readStatuses } from "../helpers/gateway.js";

/**
 * permessage-deflate on the Responses WebSocket: an upstream that compresses
 * every message (threshold 0) is negotiated with and read (the gateway sees
 * the `codex.rate_limits` event inside), and a client that offers deflate is
 * answered without it (loopback) and still gets every frame intact.
 */
test("permessage-deflate: negotiated with the upstream and read there, declined towards the client", async () => {
  const upstreamExtensions: string[] = [];
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: { threshold: 0 } });
  wss.on("connection", (ws) => {
    upstreamExtensions.push(ws.extensions);
    ws.on("message", (data) => {
      const text = String(data);
      ws.send(
        JSON.stringify({
          type: "codex.rate_limits",
          rate_limits: { primary: { used_percent: 64, window_minutes: 300, reset_at: 4_000_000_000 } },
        }),
      );
      ws.send(JSON.stringify({ type: "response.completed", echo: text }));
    });
  });
  const upstream = http.createServer((_req, res) => res.writeHead(404).end());
  upstream.on("upgrade", (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws)),
  );
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  after(() => {
    upstream.closeAllConnections();
    upstream.close();
  });
  const { port } = upstream.address() as AddressInfo;
  const accounts: NamedAccount[] = [{ name: "one", accountId: "d-one", email: "one@example.com" }];
  const w = await gatewayWorld(accounts, { upstream: `http://127.0.0.1:${port}/backend-api/codex` });

  // ws offers permessage-deflate by default.
  const client = new WebSocket(`${w.gateway.url.replace("http", "ws")}/responses`, {
    headers: { authorization: `Bearer ${w.token("one")}`, "session-id": "deflate" },
  });
  await once(client, "open");
  const received: string[] = [];
  client.on("message", (data) => received.push(String(data)));
  const request = JSON.stringify({ type: "response.create", input: "x".repeat(10_000) });
  client.send(request);
  await eventually(() => received.length === 2);
  assert.deepEqual(upstreamExtensions, ["permessage-deflate"], "the gateway took the upstream's deflate");
  assert.equal(client.extensions, "", "the gateway declines deflate on loopback");
  assert.equal(JSON.parse(received[1] ?? "{}").echo, request, "frames arrive whole and decoded");
  await eventually(
    () =>
      (readStatuses(w.dir).one?.rateLimits as { primary?: { usedPercent?: number } } | undefined)?.primary
        ?.usedPercent === 64,
  );
  client.close();
});
