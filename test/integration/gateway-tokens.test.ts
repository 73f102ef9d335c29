import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { request } from "undici";
import { writeFileAtomic } from "../../src/core/atomic-write.js";
import { authPath } from "../../src/core/paths.js";
import { eventually, gatewayWorld, modelTrail, type NamedAccount, readStatuses } from "../helpers/gateway.js";

/** The gateway as the one refresher of its accounts' tokens (docs/codex-notes.md, "Auth": rotation, reuse). */

const refreshes = (w: Awaited<ReturnType<typeof gatewayWorld>>, accountId: string) =>
  w.backend.requests.filter((r) => r.path === "/oauth/token" && r.accountId === accountId);

test("20 concurrent requests on tokens near expiry: exactly one refresh per account, rotation honoured", async () => {
  const testStartedMs = Math.floor(Date.now() / 1000) * 1000; // last_refresh may be written in whole seconds
  const accounts: NamedAccount[] = [
    // 500 s: inside the gateway's 10-minute margin, outside Codex's own 5 minutes.
    { name: "one", accountId: "t-one", email: "one@example.com", accessTtlSeconds: 500 },
    { name: "two", accountId: "t-two", email: "two@example.com", accessTtlSeconds: 500 },
  ];
  const w = await gatewayWorld(accounts);
  const before = { one: w.token("one"), two: w.token("two") };
  const oldRefresh = JSON.parse(fs.readFileSync(authPath("one", w.dir), "utf8")).tokens.refresh_token;
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      request(`${w.gateway.url}/responses`, {
        method: "POST",
        // Callers keep presenting the token they started with (as a running codex does).
        headers: {
          authorization: `Bearer ${i % 2 ? before.one : before.two}`,
          "session-id": `s${i}`,
          "content-type": "application/json",
        },
        body: "{}",
      }).then(async (r) => ({ status: r.statusCode, text: await r.body.text() })),
    ),
  );
  for (const answer of answers) assert.equal(answer.status, 200, answer.text);
  assert.equal(w.backend.refreshCount.get("t-one"), 1);
  assert.equal(w.backend.refreshCount.get("t-two"), 1);
  assert.deepEqual(w.backend.reuseDetected, []);
  const auth = JSON.parse(fs.readFileSync(authPath("one", w.dir), "utf8"));
  assert.notEqual(auth.tokens.refresh_token, oldRefresh, "the rotated refresh token was saved");
  assert.notEqual(auth.tokens.access_token, before.one);
  assert.equal(fs.statSync(authPath("one", w.dir)).mode & 0o777, 0o600);
  assert.ok(
    Date.parse(auth.last_refresh) >= testStartedMs,
    `last_refresh ${auth.last_refresh} is from this test`,
  );
  // The superseded token a running codex still holds keeps working, without another refresh.
  const again = await request(`${w.gateway.url}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${before.one}`, "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(again.statusCode, 200);
  await again.body.dump();
  assert.equal(w.backend.refreshCount.get("t-one"), 1);
});

test("someone else refreshed first: the gateway re-reads auth.json and uses their token, no second refresh", async () => {
  const accounts: NamedAccount[] = [{ name: "one", accountId: "o-one", email: "one@example.com" }];
  const w = await gatewayWorld(accounts);
  await w.gateway.context.usage.checkAll();
  // A login close to expiry appears in the file, and the gateway learns it from a caller ...
  const near = w.backend.mintAuth("o-one", { accessTtlSeconds: 400 });
  writeFileAtomic(authPath("one", w.dir), JSON.stringify(near.authJson), { mode: 0o600 });
  const nearToken = (near.authJson.tokens as { access_token: string }).access_token;
  assert.equal(w.gateway.context.tokens.authenticate(nearToken), "one");
  // ... then Codex refreshes it itself and rewrites the file.
  const refreshed = await request(w.backend.refreshUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "refresh_token", refresh_token: near.refreshToken }),
  });
  const tokens = (await refreshed.body.json()) as Record<string, string>;
  const codexAuth = { ...near.authJson, tokens: { ...(near.authJson.tokens as object), ...tokens } };
  writeFileAtomic(authPath("one", w.dir), JSON.stringify(codexAuth), { mode: 0o600 });
  const answer = await request(`${w.gateway.url}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${nearToken}`, "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(answer.statusCode, 200);
  await answer.body.dump();
  assert.equal(w.backend.refreshCount.get("o-one"), 1, "only Codex's refresh");
  assert.deepEqual(w.backend.reuseDetected, []);
});

test("a dead login (refresh_token_reused): marked as needing a new login, tried once, never again", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "d-one", email: "one@example.com" },
    { name: "two", accountId: "d-two", email: "two@example.com" },
  ];
  const w = await gatewayWorld(accounts);
  await w.gateway.context.usage.checkAll();
  // A login close to expiry whose refresh token another copy already spent.
  const near = w.backend.mintAuth("d-one", { accessTtlSeconds: 60 });
  await spend(w.backend.refreshUrl, near.refreshToken);
  writeFileAtomic(authPath("one", w.dir), JSON.stringify(near.authJson), { mode: 0o600 });
  const nearToken = (near.authJson.tokens as { access_token: string }).access_token;
  for (let i = 0; i < 3; i++) {
    const answer = await request(`${w.gateway.url}/responses`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${nearToken}`,
        "content-type": "application/json",
        "session-id": "s",
      },
      body: "{}",
    });
    assert.equal(answer.statusCode, 200, "served by the other account");
    await answer.body.dump();
  }
  assert.deepEqual(modelTrail(w, accounts), ["two:200", "two:200", "two:200"]);
  const attempts = refreshes(w, "d-one").filter((r) => r.status === 401);
  assert.equal(attempts.length, 1, "the dead refresh token was sent once, not in a loop");
  await eventually(
    () => /refresh_token_reused/.test(String(readStatuses(w.dir).one?.authProblem)),
    () => JSON.stringify(readStatuses(w.dir)),
  );
  // A new login (the file changes) brings the account back.
  const fresh = w.backend.mintAuth("d-one");
  writeFileAtomic(authPath("one", w.dir), JSON.stringify(fresh.authJson), { mode: 0o600 });
  await w.gateway.context.tokens.maintain();
  assert.equal(w.gateway.context.tokens.problem("one"), undefined);
});

test("an upstream 401 never reaches the client: the gateway refreshes and retries", async () => {
  const rejected = new Set<string>();
  let rejectAll = false;
  const seen: string[] = [];
  const probe = http.createServer((req, res) => {
    const bearer = String(req.headers.authorization);
    seen.push(bearer);
    req.resume();
    if (!req.url?.endsWith("/responses")) {
      res.writeHead(404).end();
      return;
    }
    if (rejectAll || rejected.has(bearer)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":{"code":"token_expired"}}');
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end('data: {"type":"response.completed"}\n\n');
  });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  try {
    const accounts: NamedAccount[] = [{ name: "one", accountId: "u-one", email: "one@example.com" }];
    const port = (probe.address() as AddressInfo).port;
    const w = await gatewayWorld(accounts, { upstream: `http://127.0.0.1:${port}/backend-api/codex` });
    const original = w.token("one");
    rejected.add(`Bearer ${original}`); // revoked upstream although its exp is hours away
    const answer = await request(`${w.gateway.url}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${original}`, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(answer.statusCode, 200);
    assert.match(await answer.body.text(), /response\.completed/);
    assert.equal(w.backend.refreshCount.get("u-one"), 1);
    assert.notEqual(w.token("one"), original, "auth.json holds the refreshed token");
    assert.equal(seen.at(-1), `Bearer ${w.token("one")}`);

    // When refreshing cannot help either, the client gets a 5xx (Codex retries it), never the 401.
    rejectAll = true;
    const refused = await request(`${w.gateway.url}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${original}`, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(refused.statusCode, 502);
    assert.match(await refused.body.text(), /rejected every token/);
    assert.equal(w.backend.refreshCount.get("u-one"), 2, "one more refresh, then it gave up");
  } finally {
    probe.closeAllConnections();
    probe.close();
  }
});

test("the token endpoint is down: requests keep working on the still-valid token, the failure is recorded", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "z-one", email: "one@example.com", accessTtlSeconds: 500 },
  ];
  const w = await gatewayWorld(accounts, { refreshUrl: "http://127.0.0.1:9/oauth/token" });
  const before = w.token("one");
  for (let i = 0; i < 3; i++) {
    const answer = await request(`${w.gateway.url}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${before}`, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(answer.statusCode, 200);
    await answer.body.dump();
  }
  assert.equal(w.token("one"), before, "auth.json untouched");
  await eventually(
    () => /token refresh failed/.test(String(readStatuses(w.dir).one?.lastError)),
    () => JSON.stringify(readStatuses(w.dir)),
  );
  assert.equal(readStatuses(w.dir).one?.authProblem, undefined, "a passing failure is not a dead login");
  // Backing off: not one refresh attempt per request.
  const failures = w.logs.filter((line) => line.includes("token refresh failed"));
  assert.ok(failures.length <= 2, failures.join("\n"));
});

async function spend(refreshUrl: string, refreshToken: string): Promise<void> {
  const response = await request(refreshUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "refresh_token", refresh_token: refreshToken }),
  });
  assert.equal(response.statusCode, 200);
  await response.body.dump();
}
