import assert from "node:assert/strict";
import { test } from "node:test";
import { decide, type Failure, gaveUp, networkFailure, retryDelayMs } from "../../src/gateway/failover.js";
import { accountHeaders, forwardableHeaders } from "../../src/gateway/headers.js";

// The two transports' judgements, as proxy.ts and websocket-upstream.ts give them.
const http = { judge: () => "serve" as const };
const upgrade = {
  judge: (status: number) =>
    (status === 101 ? "serve" : status === 426 ? "stop" : "next") as "serve" | "stop" | "next",
};

test("a usage limit leaves the account; a 5xx fails it; below that the transport judges", () => {
  const cases: [number, boolean, typeof http | typeof upgrade, string][] = [
    [429, true, http, "cool down"],
    [429, true, upgrade, "cool down"],
    // --passthrough-auth: nowhere to go, the 429 is the client's (HTTP) or fails the upgrade.
    [429, false, http, "serve"],
    [429, false, upgrade, "fail"],
    [503, false, http, "fail"],
    [500, false, upgrade, "fail"],
    [200, false, http, "serve"],
    [400, false, http, "serve"],
    [101, false, upgrade, "serve"],
    [426, false, upgrade, "stop"],
    [403, false, upgrade, "fail"],
  ];
  const got = cases.map(([status, leave, transport]) => decide(status, leave, transport));
  assert.deepEqual(
    got,
    cases.map((row) => row[3]),
    cases.map(([status, leave], i) => `${status} leave=${leave}: ${got[i]}`).join("\n"),
  );
});

const failure: Failure = { reason: "upstream HTTP 503", status: 503, headers: {}, body: "down" };
const out = { resetsAtMs: 1_700_000_000_000, planType: "plus" };
const notOut = { resetsAtMs: undefined, planType: undefined };

test("giving up over HTTP: the last failure first, then Codex's usage-limit 429, then no account", () => {
  assert.deepEqual(gaveUp(failure, true, out), { kind: "failure", ...failure });
  assert.deepEqual(gaveUp(undefined, true, out), {
    kind: "exhausted",
    reason: "every account is out of quota",
    ...out,
  });
  assert.deepEqual(gaveUp(undefined, true, notOut), { kind: "unavailable", reason: "no account available" });
});

test("giving up on an upgrade: the usage-limit 429 first, else no upstream with the last failure's reason", () => {
  assert.equal(gaveUp(failure, false, out).kind, "exhausted");
  assert.deepEqual(gaveUp(failure, false, notOut), { kind: "unavailable", reason: "upstream HTTP 503" });
});

test("retries back off exponentially up to the cap, with jitter, and stop when none is left", () => {
  const config = {
    upstreamRetries: 3,
    upstreamRetryBaseMs: 200,
    upstreamRetryMaxMs: 500,
    upstreamRetryJitterMs: 50,
  };
  const floors = [200, 400, 500];
  for (const [retry, floor] of floors.entries()) {
    const wait = retryDelayMs(config, retry) ?? -1;
    assert.ok(wait >= floor && wait < floor + 50, `retry ${retry}: ${wait} ms`);
  }
  assert.equal(retryDelayMs(config, 3), undefined);
  assert.equal(retryDelayMs({ ...config, upstreamRetries: 0 }, 0), undefined);
});

test("an unreachable upstream is the gateway's 502, a slow one its 504", () => {
  const unreachable = networkFailure({ code: "ECONNREFUSED", timedOut: false }, "upstream ECONNREFUSED");
  assert.equal(unreachable.status, 502);
  assert.match(String(unreachable.body), /upstream unreachable \(ECONNREFUSED\)/);
  const slow = networkFailure({ code: "UND_ERR_HEADERS_TIMEOUT", timedOut: true }, "upstream timeout");
  assert.equal(slow.status, 504);
  assert.match(String(slow.body), /upstream timed out/);
});

test("the client's credentials never cross unless kept; the account's replace them", () => {
  const client = {
    authorization: "Bearer client",
    "chatgpt-account-id": "client-id",
    connection: "keep-alive",
    "x-codex-turn-state": "state",
    "session-id": "s1",
  };
  const own = new Set(["connection"]);
  assert.deepEqual(forwardableHeaders(client, own, false), {
    "x-codex-turn-state": "state",
    "session-id": "s1",
  });
  assert.equal(forwardableHeaders(client, own, true).authorization, "Bearer client");
  const base = forwardableHeaders(client, own, false);
  assert.deepEqual(accountHeaders(base, { accessToken: "tok", accountId: "acc" }, undefined), {
    "x-codex-turn-state": "state",
    "session-id": "s1",
    authorization: "Bearer tok",
    "chatgpt-account-id": "acc",
  });
  // A session that moved leaves the old account's turn state behind; the base stays as it was.
  assert.deepEqual(accountHeaders(base, undefined, "other"), { "session-id": "s1" });
  assert.equal(base["x-codex-turn-state"], "state");
});
