import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { compressingSink, compressWhole, loadZstdEncoder } from "../../src/demo/fake-backend/compression.js";
import type { FakeEncoding } from "../../src/demo/fake-backend/types.js";
import { eventually, gatewayWorld, modelTrail, type NamedAccount, readStatuses } from "../helpers/gateway.js";

/**
 * The gateway against an upstream that compresses (as the edge does once Codex
 * 0.171 sends `accept-encoding: zstd,gzip`): every body it inspects is read
 * decoded, and every body it forwards matches the headers it forwards (the
 * test client decodes by those headers and fails on a mismatch).
 */
const CODINGS: FakeEncoding[] = ["gzip", "zstd", "br"];
// Loaded here, not inside a test: node:test ties hooks registered after that await to the wrong test.
await loadZstdEncoder();

function primaryUsed(dir: string, name: string): number | undefined {
  return (readStatuses(dir)[name]?.rateLimits as { primary?: { usedPercent?: number } } | undefined)?.primary
    ?.usedPercent;
}

for (const coding of CODINGS) {
  test(`${coding}: a usage limit in a compressed 429 moves the request to the next account, unseen`, async () => {
    const accounts: NamedAccount[] = [
      { name: "one", accountId: `u1-${coding}`, email: "one@example.com", quota: 0, resetsInSeconds: 1800 },
      { name: "two", accountId: `u2-${coding}`, email: "two@example.com" },
    ];
    const w = await gatewayWorld(accounts, { backend: { compression: coding } });
    const answer = await w.post("one", { session: "s" });
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.text, /response\.completed/);
    assert.deepEqual(modelTrail(w, accounts), ["one:429", "two:200"]);
    assert.ok(
      w.backend.encodedAnswers.some((a) => a.status === 429 && a.encoding === coding),
      `the 429 was sent ${coding}: ${JSON.stringify(w.backend.encodedAnswers)}`,
    );
    await eventually(() => readStatuses(w.dir).one?.lastError === "usage_limit_reached");
  });

  test(`${coding}: a generic 429 and a 5xx are passed on with a body that matches their headers`, async () => {
    const accounts: NamedAccount[] = [{ name: "one", accountId: `g-${coding}`, email: "one@example.com" }];
    const w = await gatewayWorld(accounts, {
      backend: { compression: coding },
      config: { upstreamRetries: 0 },
    });
    w.backend.injectFault({ kind: "rate-limit" });
    const limited = await w.post("one");
    assert.equal(limited.status, 429);
    assert.equal(limited.headers["content-encoding"], coding);
    assert.equal(JSON.parse(limited.text).error.code, "rate_limit_exceeded", limited.text);
    w.backend.injectFault({ kind: "status", status: 503 });
    const failed = await w.post("one");
    assert.equal(failed.status, 503);
    assert.equal(failed.headers["content-encoding"], coding);
    assert.match(JSON.parse(failed.text).error.message, /injected status 503/, failed.text);
  });

  test(`${coding}: the gateway's own calls (usage check, token refresh) read compressed answers`, async () => {
    const accounts: NamedAccount[] = [
      { name: "one", accountId: `o1-${coding}`, email: "one@example.com", accessTtlSeconds: 1 },
      { name: "two", accountId: `o2-${coding}`, email: "two@example.com", usedPercent: 37 },
    ];
    const w = await gatewayWorld(accounts, { backend: { compression: coding } });
    await w.gateway.context.usage.checkAll();
    await eventually(() => primaryUsed(w.dir, "two") === 37);
    // one's token is expired: the gateway refreshes it (compressed token answer) and serves.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const answer = await w.post("one", { session: "refresh" });
    assert.equal(answer.status, 200, `${answer.text}\n${w.logs.join("\n")}`);
    assert.ok((w.backend.refreshCount.get(`o1-${coding}`) ?? 0) >= 1, "one was refreshed");
    assert.ok(
      w.backend.encodedAnswers.some((a) => a.path === "/oauth/token" && a.encoding === coding),
      JSON.stringify(w.backend.encodedAnswers),
    );
  });
}

for (const coding of CODINGS) {
  test(`${coding} event stream: the SSE tap reads codex.rate_limits, the client gets the bytes as sent`, async () => {
    const events = [
      "event: response.created\ndata: {}\n\n",
      `event: codex.rate_limits\ndata: ${JSON.stringify({
        type: "codex.rate_limits",
        rate_limits: { primary: { used_percent: 71, window_minutes: 300, reset_at: 4_000_000_000 } },
      })}\n\n`,
      "event: response.completed\ndata: {}\n\n",
    ];
    // A probe upstream whose headers say nothing: only the stream's event carries the usage.
    const probe = http.createServer(async (req, res) => {
      req.resume();
      if (!req.url?.endsWith("/responses")) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": coding });
      if (coding === "zstd") {
        // One zstd frame per event, each written in two pieces: the decoder sees partial frames.
        for (const event of events) {
          const frame = compressWhole(Buffer.from(event), "zstd");
          res.write(frame.subarray(0, 5));
          res.write(frame.subarray(5));
        }
        res.end();
        return;
      }
      const sink = compressingSink(res, coding);
      for (const event of events) await sink.send(event);
      sink.end();
    });
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    after(() => {
      probe.closeAllConnections();
      probe.close();
    });
    const { port } = probe.address() as AddressInfo;
    const accounts: NamedAccount[] = [{ name: "one", accountId: `s-${coding}`, email: "one@example.com" }];
    const w = await gatewayWorld(accounts, { upstream: `http://127.0.0.1:${port}/backend-api/codex` });
    const answer = await w.post("one");
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-encoding"], coding);
    assert.match(answer.text, /used_percent":71/);
    await eventually(() => primaryUsed(w.dir, "one") === 71);
  });
}

test("the gateway asks upstream only for codings it can read", async () => {
  const seen: Array<string | undefined> = [];
  const probe = http.createServer((req, res) => {
    req.resume();
    if (!req.url?.startsWith("/backend-api/codex/")) {
      res.writeHead(404).end();
      return;
    }
    seen.push(req.headers["accept-encoding"]);
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  const accounts: NamedAccount[] = [{ name: "one", accountId: "a-one", email: "one@example.com" }];
  const w = await gatewayWorld(accounts, { upstream: `http://127.0.0.1:${port}/backend-api/codex` });
  try {
    await w.post("one", { headers: { "accept-encoding": "zstd,gzip" } });
    await w.post("one", { headers: { "accept-encoding": "compress, snappy;q=1, gzip;q=0" } });
    await w.post("one", { headers: { "accept-encoding": "br;q=0.5, x-unknown" } });
    assert.deepEqual(seen, ["zstd, gzip", undefined, "br;q=0.5"]);
  } finally {
    probe.closeAllConnections();
    probe.close();
  }
});
