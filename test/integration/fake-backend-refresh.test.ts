import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexExec, fakeCodexHome } from "../helpers/real-codex.js";

let backend: FakeBackend;

before(async () => {
  backend = await startFakeBackend({
    accounts: [
      { accountId: "acc-refresh", email: "r@example.com" },
      { accountId: "acc-expired", email: "e@example.com" },
    ],
  });
});
after(() => backend.close());

interface AuthTokens {
  access_token: string;
  refresh_token: string;
}

function tokensIn(home: string): AuthTokens {
  return (JSON.parse(fs.readFileSync(path.join(home, "auth.json"), "utf8")) as { tokens: AuthTokens }).tokens;
}

function refresh(refreshToken: string): Promise<Response> {
  return fetch(backend.refreshUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    }),
  });
}

test("codex refreshes a soon-expiring token first; the refresh token rotates; reuse revokes the login", async () => {
  const codex = fakeCodexHome(backend, "acc-refresh", { accessTtlSeconds: 120 });
  const original = tokensIn(codex.home);
  const result = await codexExec(codex, "hi");
  assert.equal(result.code, 0, result.stderr);
  assert.equal(backend.refreshCount.get("acc-refresh"), 1);
  const ours = backend.requests.filter((r) => r.accountId === "acc-refresh");
  const refreshAt = ours.findIndex((r) => r.path === "/oauth/token" && r.status === 200);
  const turnAt = ours.findIndex((r) => r.path === "/v1/responses" && r.method === "POST");
  assert.ok(refreshAt >= 0 && refreshAt < turnAt, "refreshed before the model request");
  const rotated = tokensIn(codex.home);
  assert.notEqual(rotated.refresh_token, original.refresh_token);
  assert.notEqual(rotated.access_token, original.access_token);

  // Someone else uses the old refresh token: detected, and the whole login is revoked.
  const reused = await refresh(original.refresh_token);
  assert.equal(reused.status, 401);
  assert.equal(((await reused.json()) as { error: { code: string } }).error.code, "refresh_token_reused");
  assert.deepEqual(backend.reuseDetected, ["acc-refresh"]);
  const revoked = await refresh(rotated.refresh_token);
  assert.equal(revoked.status, 401);
  assert.equal(
    ((await revoked.json()) as { error: { code: string } }).error.code,
    "refresh_token_invalidated",
  );
  assert.equal(backend.refreshCount.get("acc-refresh"), 1);
  assert.equal((await refresh("rt_never_issued")).status, 401);
});

test("an expired access token gets 401; codex with a revoked login stops and asks to sign in again", async () => {
  const { authJson } = backend.mintAuth("acc-expired", { accessTtlSeconds: -60 });
  const access = (authJson.tokens as AuthTokens).access_token;
  const direct = await fetch(`${backend.codexBaseUrl}/responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${access}`, "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(direct.status, 401);

  const codex = fakeCodexHome(backend, "acc-expired", { accessTtlSeconds: -60 });
  const stolen = tokensIn(codex.home).refresh_token;
  assert.equal((await refresh(stolen)).status, 200);
  assert.equal((await refresh(stolen)).status, 401);
  const result = await codexExec(codex, "hi");
  assert.equal(result.code, 1);
  assert.match(result.stderr + result.stdout, /log out and sign in again/i);
  assert.ok(
    !backend.requests.some(
      (r) => r.accountId === "acc-expired" && r.path === "/v1/responses" && r.status === 200,
    ),
  );
});
