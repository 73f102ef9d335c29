import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { request } from "undici";
import { encodeUnsignedJwt } from "../../src/core/jwt.js";
import { authPath } from "../../src/core/paths.js";
import { scaled } from "../helpers/deadline.js";
import {
  eventually,
  gatewayWorld,
  modelTrail,
  type NamedAccount,
  readStatuses,
  send,
} from "../helpers/gateway.js";

/** What goes wrong upstream or at the door, and what the client sees. */

const two = (prefix: string): NamedAccount[] => [
  { name: "one", accountId: `${prefix}-one`, email: "one@example.com" },
  { name: "two", accountId: `${prefix}-two`, email: "two@example.com" },
];

test("upstream 5xx: retried with backoff on the same account, the client gets the answer", async () => {
  const accounts = two("f5");
  const w = await gatewayWorld(accounts);
  w.backend.injectFault({ kind: "status", status: 503, count: 2 });
  const answer = await w.post("one");
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(modelTrail(w, accounts), ["one:503", "one:503", "one:200"]);
});

test("upstream 5xx that does not go away: every account tried, then the 5xx is shown (Codex retries it)", async () => {
  const accounts = two("f5x");
  const w = await gatewayWorld(accounts, { config: { upstreamRetries: 1 } });
  w.backend.injectFault({ kind: "status", status: 500, count: 100 });
  const answer = await w.post("one");
  w.backend.clearFaults();
  assert.equal(answer.status, 500);
  assert.deepEqual(modelTrail(w, accounts), ["one:500", "one:500", "two:500", "two:500"]);
  await eventually(
    () => readStatuses(w.dir).one?.lastError === "upstream HTTP 500",
    () => JSON.stringify(readStatuses(w.dir)),
  );
});

test("connection reset before any byte: retried; reset mid-stream: the client's stream breaks, no hang", async () => {
  const accounts = two("fr");
  const w = await gatewayWorld(accounts);
  w.backend.injectFault({ kind: "reset", afterEvents: 0 });
  const retried = await w.post("one");
  assert.equal(retried.status, 200, retried.text);
  assert.match(retried.text, /response\.completed/);

  w.backend.injectFault({ kind: "reset", afterEvents: 2 });
  const response = await request(`${w.gateway.url}/responses`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${w.token("one")}`,
      "content-type": "application/json",
      "session-id": "x",
    },
    body: JSON.stringify({ input: [] }),
  });
  assert.equal(response.statusCode, 200);
  // Once bytes reached the client nothing can be replayed: the break must reach it (Codex retries the turn).
  await assert.rejects(response.body.text());
  await eventually(
    () => readStatuses(w.dir).one?.lastError === "upstream stream broke",
    () => JSON.stringify(readStatuses(w.dir)),
  );
});

test("timeout waiting for upstream headers: the next account answers, and 504 when none does in time", async () => {
  const accounts = two("ft");
  const w = await gatewayWorld(accounts, { config: { timeoutMs: 300, upstreamRetries: 0 } });
  w.backend.injectFault({ kind: "delay", delayMs: 20_000, count: 1 });
  const retried = await w.post("one");
  assert.equal(retried.status, 200, retried.text);
  assert.deepEqual(modelTrail(w, accounts).at(-1), "two:200");

  w.backend.injectFault({ kind: "delay", delayMs: 20_000, count: 2 });
  const started = Date.now();
  const answer = await w.post("one");
  assert.equal(answer.status, 504, answer.text);
  assert.match(answer.text, /timed out/);
  // undici's timers tick coarsely (about a second); what matters is not waiting out the 20 s upstream.
  const tookMs = Date.now() - started;
  assert.ok(tookMs < scaled(10_000), `${tookMs} ms: the slow upstream was waited out`);
});

test("unauthorized callers get 401 and never reach upstream", async () => {
  const accounts = two("fu");
  const w = await gatewayWorld(accounts);
  const stranger = encodeUnsignedJwt({ exp: Math.floor(Date.now() / 1000) + 3600 });
  const url = `${w.gateway.url}/responses`;
  for (const bearer of [undefined, "", stranger, `${w.token("one")}x`]) {
    const answer = await send(url, bearer);
    assert.equal(answer.status, 401, String(bearer).slice(0, 10));
    assert.ok(!answer.text.includes(w.token("one")), "no token echoed");
  }
  // A valid login of the same backend that is not one of the user's accounts is still a stranger.
  const foreign = w.backend.mintAuth("fu-one").authJson as { tokens: { access_token: string } };
  assert.equal((await send(url, foreign.tokens.access_token)).status, 401);
  assert.deepEqual(modelTrail(w, accounts), []);
  const leaking = w.logs.filter((line) => line.includes(w.token("one")) || line.includes(w.token("two")));
  assert.equal(leaking.length, 0, `${leaking.length} log line(s) hold a token`);
  // Only /v1 is served.
  assert.equal(
    (await send(`${w.gateway.url.replace("/v1", "")}/backend-api/wham/usage`, w.token("one"))).status,
    404,
  );
});

test("a corrupt auth.json: that account is skipped, the file kept as it is, the problem recorded", async () => {
  const accounts = two("fc");
  const w = await gatewayWorld(accounts, {
    beforeStart: (dir) => fs.writeFileSync(authPath("one", dir), "{ not json", { mode: 0o600 }),
  });
  const answer = await w.post("two");
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(modelTrail(w, accounts), ["two:200"]);
  assert.equal(fs.readFileSync(authPath("one", w.dir), "utf8"), "{ not json");
  await eventually(
    () => /not valid JSON/.test(String(readStatuses(w.dir).one?.lastError)),
    () => JSON.stringify(readStatuses(w.dir)),
  );
});

test("client abort: the upstream request is cancelled", async () => {
  let upstreamClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    upstreamClosed = resolve;
  });
  const probe = http.createServer((req, res) => {
    if (!req.url?.endsWith("/responses")) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write('data: {"type":"response.created"}\n\n');
    res.on("close", () => upstreamClosed());
    // ... and never finishes on its own.
  });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  try {
    const accounts = two("fa");
    const w = await gatewayWorld(accounts, { upstream: `http://127.0.0.1:${port}/backend-api/codex` });
    const controller = new AbortController();
    const response = await request(`${w.gateway.url}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${w.token("one")}`, "content-type": "application/json" },
      body: "{}",
      signal: controller.signal,
    });
    for await (const _chunk of response.body) break; // got the first event
    controller.abort();
    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error("upstream still open")), scaled(3000))),
    ]);
    await eventually(() => w.logs.some((line) => line.includes("client went away")));
  } finally {
    probe.closeAllConnections();
    probe.close();
  }
});
