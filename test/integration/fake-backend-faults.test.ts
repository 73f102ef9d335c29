import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexExec, fakeCodexHome } from "../helpers/real-codex.js";

let backend: FakeBackend;
const BIG_TEXT = "0123456789".repeat(20_000);

before(async () => {
  backend = await startFakeBackend({
    accounts: ["acc-1", "acc-2", "acc-codex", "acc-throttled", "acc-big"].map((accountId) => ({
      accountId,
      email: `${accountId}@example.com`,
    })),
    reply: (input) =>
      input.accountId === "acc-big"
        ? { kind: "text", text: BIG_TEXT, deltaChars: 10 }
        : { kind: "text", text: `echo: ${input.userText}` },
  });
});
after(() => backend.close());

function post(accountId: string, signal?: AbortSignal): Promise<Response> {
  const tokens = backend.mintAuth(accountId).authJson.tokens as { access_token: string };
  return fetch(`${backend.upstreamBaseUrl}/responses`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${tokens.access_token}`,
      "content-type": "application/json",
      // Plain: fetch drops what it had decoded of a gzip stream that is cut (the reset fault).
      "accept-encoding": "identity",
    },
    body: JSON.stringify({
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "x" }] }],
    }),
    signal,
  });
}

function eventsOf(body: string): Array<Record<string, unknown>> {
  return body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}

test("a status fault answers the next N requests of its account only, then normal service resumes", async () => {
  backend.injectFault({ kind: "status", status: 503, count: 2, accountId: "acc-1" });
  assert.equal((await post("acc-2")).status, 200);
  assert.equal((await post("acc-1")).status, 503);
  const second = await post("acc-1");
  assert.equal(second.status, 503);
  assert.ok(second.headers.get("x-codex-primary-used-percent"));
  assert.equal((await post("acc-1")).status, 200);
  const faults = backend.requests.filter((r) => r.fault === "status").map((r) => r.accountId);
  assert.deepEqual(faults, ["acc-1", "acc-1"]);
});

test("a rate-limit fault is a generic 429 rate_limit_exceeded, not a usage limit", async () => {
  backend.injectFault({ kind: "rate-limit" });
  const response = await post("acc-2");
  assert.equal(response.status, 429);
  assert.equal(((await response.json()) as { error: { type: string } }).error.type, "rate_limit_exceeded");
  assert.equal((await post("acc-2")).status, 200);
});

test("a reset fault cuts the stream after the given number of events", async () => {
  backend.injectFault({ kind: "reset", afterEvents: 2, accountId: "acc-1" });
  const response = await post("acc-1");
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  let received = "";
  await assert.rejects(async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += Buffer.from(value).toString();
    }
  });
  assert.deepEqual(
    eventsOf(received).map((e) => e.type),
    ["response.created", "codex.rate_limits"],
  );

  backend.injectFault({ kind: "reset", afterEvents: 0 });
  await assert.rejects(post("acc-1"));
});

test("a delay fault holds the first byte, and gives up when the client does", async () => {
  backend.injectFault({ kind: "delay", delayMs: 300 });
  const startedAt = performance.now();
  const response = await post("acc-2");
  const waitedMs = performance.now() - startedAt;
  assert.ok(waitedMs >= 290, `answered after ${waitedMs} ms`);
  assert.equal(response.status, 200);
  await response.text();

  backend.injectFault({ kind: "delay", delayMs: 60_000 });
  await assert.rejects(post("acc-2", AbortSignal.timeout(100)), /abort|timeout/i);
  backend.clearFaults();
  assert.equal((await post("acc-2")).status, 200);
});

test("codex retries through an injected 503 and a dropped stream, and completes the turn", async () => {
  backend.injectFault({ kind: "status", status: 503, accountId: "acc-codex" });
  backend.injectFault({ kind: "reset", afterEvents: 3, accountId: "acc-codex" });
  const result = await codexExec(fakeCodexHome(backend, "acc-codex"), "after a hiccup");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /echo: after a hiccup/);
  const statuses = backend.requests
    .filter((r) => r.accountId === "acc-codex" && r.method === "POST")
    .map((r) => r.status);
  assert.deepEqual(statuses, [503, 200, 200]);
  const faults = backend.requests.filter((r) => r.accountId === "acc-codex" && r.fault).map((r) => r.fault);
  assert.deepEqual(faults, ["status", "reset"]);
});

test("codex gives up at once on a generic 429 and does not call it a usage limit", async () => {
  backend.injectFault({ kind: "rate-limit", count: 5, accountId: "acc-throttled" });
  const result = await codexExec(fakeCodexHome(backend, "acc-throttled"), "hi");
  backend.clearFaults();
  assert.equal(result.code, 1);
  assert.match(result.stderr, /exceeded retry limit, last status: 429/);
  assert.doesNotMatch(result.stderr + result.stdout, /usage limit/);
  const statuses = backend.requests.filter((r) => r.accountId === "acc-throttled" && r.method === "POST");
  assert.deepEqual(
    statuses.map((r) => r.status),
    [429],
  );
});

test("a large reply streams in many deltas without being buffered whole", async () => {
  const response = await post("acc-big");
  const reader = response.body!.getReader();
  const first = await reader.read();
  const firstChunk = Buffer.from(first.value ?? new Uint8Array()).toString();
  assert.match(firstChunk, /^event: response\.created\n/);
  let rest = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    rest += Buffer.from(value).toString();
  }
  assert.ok(firstChunk.length * 4 < rest.length, "the first bytes arrive before the reply is complete");
  const deltas = eventsOf(firstChunk + rest).filter((e) => e.type === "response.output_text.delta");
  assert.equal(deltas.length, BIG_TEXT.length / 10);
  assert.equal(deltas.map((e) => e.delta).join(""), BIG_TEXT);
});
