import assert from "node:assert/strict";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { request } from "undici";
import { eventually, gatewayWorld, type NamedAccount, readStatuses } from "../helpers/gateway.js";

/**
 * What crosses the gateway, seen by a probe upstream: credentials swapped for
 * the routed account's, bodies byte for byte (Codex sends zstd), the turn
 * state dropped when a session changes account, streams passed through.
 */
interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const seen: Seen[] = [];
const exhausted = new Set<string>();

const probe = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const account = String(req.headers["chatgpt-account-id"]);
    if (!req.url?.includes("/responses")) {
      res.writeHead(404).end();
      return;
    }
    seen.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
    if (exhausted.has(account)) {
      res.writeHead(429, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { type: "usage_limit_reached", resets_at: Math.floor(Date.now() / 1000) + 60 },
        }),
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "x-codex-turn-state": `state-of-${account}` });
    // A stream in many small pieces, some split mid-line.
    const events = Array.from(
      { length: 50 },
      (_, i) => `data: {"type":"response.output_text.delta","delta":"${i}"}\n\n`,
    );
    const text = `${events.join("")}data: {"type":"codex.rate_limits","rate_limits":{"primary":{"used_percent":42,"window_minutes":300}}}\n\ndata: {"type":"response.completed"}\n\n`;
    for (let i = 0; i < text.length; i += 37) res.write(text.slice(i, i + 37));
    res.end();
  });
});
await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
after(() => {
  probe.closeAllConnections();
  probe.close();
});
const upstream = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/backend-api/codex`;

test("credentials are the routed account's, bodies byte for byte, turn state dropped on a move", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "w-one", email: "one@example.com" },
    { name: "two", accountId: "w-two", email: "two@example.com" },
  ];
  const w = await gatewayWorld(accounts, { upstream });
  const body = crypto.randomBytes(4096); // stands in for a zstd-compressed request
  const call = () =>
    request(`${w.gateway.url}/responses?client_version=1`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${w.token("two")}`, // codex runs in two's home ...
        "chatgpt-account-id": "w-two",
        "content-encoding": "zstd",
        "content-type": "application/json",
        "session-id": "s1",
        "x-codex-turn-state": "state-of-w-one",
        "x-client-request-id": "req-1",
      },
      body,
    });
  seen.length = 0;
  const first = await call();
  assert.equal(first.statusCode, 200);
  const text = await first.body.text();
  assert.equal((text.match(/output_text\.delta/g) ?? []).length, 50, "the whole stream arrived");
  assert.equal(first.headers["x-codex-turn-state"], "state-of-w-one");
  // ... but the gateway routed it to one (first in the registry) with one's credentials.
  const [onOne] = seen;
  assert.equal(onOne?.url, "/backend-api/codex/responses?client_version=1");
  assert.equal(onOne?.headers.authorization, `Bearer ${w.token("one")}`);
  assert.equal(onOne?.headers["chatgpt-account-id"], "w-one");
  assert.equal(onOne?.headers["content-encoding"], "zstd");
  assert.equal(onOne?.headers["x-client-request-id"], "req-1");
  assert.equal(onOne?.headers["x-codex-turn-state"], "state-of-w-one", "same account: turn state kept");
  assert.ok(onOne?.body.equals(body), "body forwarded byte for byte");
  // The codex.rate_limits event split across chunks was read.
  await eventually(
    () =>
      (readStatuses(w.dir).one?.rateLimits as { primary?: { usedPercent: number } })?.primary?.usedPercent ===
      42,
  );

  exhausted.add("w-one");
  seen.length = 0;
  const second = await call();
  assert.equal(second.statusCode, 200);
  await second.body.dump();
  assert.equal(seen.length, 2);
  const [refused, replayed] = seen;
  assert.equal(refused?.headers["chatgpt-account-id"], "w-one");
  assert.equal(replayed?.headers["chatgpt-account-id"], "w-two");
  assert.equal(replayed?.headers.authorization, `Bearer ${w.token("two")}`);
  assert.equal(replayed?.headers["x-codex-turn-state"], undefined, "turn state of another account dropped");
  assert.ok(replayed?.body.equals(body), "the replay sent the same bytes");
});

test("--passthrough-auth forwards the caller's own credentials and does not switch", async () => {
  exhausted.clear();
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "q-one", email: "one@example.com" },
    { name: "two", accountId: "q-two", email: "two@example.com" },
  ];
  const w = await gatewayWorld(accounts, { upstream, config: { passthroughAuth: true } });
  seen.length = 0;
  const answer = await request(`${w.gateway.url}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${w.token("two")}`, "chatgpt-account-id": "q-two" },
    body: "{}",
  });
  assert.equal(answer.statusCode, 200);
  await answer.body.dump();
  assert.equal(seen[0]?.headers.authorization, `Bearer ${w.token("two")}`);
  assert.equal(seen[0]?.headers["chatgpt-account-id"], "q-two");
  // It cannot switch, so a usage limit reaches the client; it is still recorded.
  exhausted.add("q-two");
  const limited = await request(`${w.gateway.url}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${w.token("two")}`, "chatgpt-account-id": "q-two" },
    body: "{}",
  });
  assert.equal(limited.statusCode, 429);
  assert.match(await limited.body.text(), /usage_limit_reached/);
  assert.deepEqual(w.gateway.context.router.coolingAccounts(), ["two"]);
  exhausted.clear();
});
