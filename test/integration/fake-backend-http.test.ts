import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexExec, fakeCodexHome, rolloutEvents } from "../helpers/real-codex.js";

let backend: FakeBackend;
/** When the backend started its window clocks (its resets are counted from then). */
let startedS = 0;

before(async () => {
  startedS = Math.floor(Date.now() / 1000);
  backend = await startFakeBackend({
    accounts: [
      {
        accountId: "acc-a",
        email: "a@example.com",
        usedPercent: 40,
        percentPerRequest: 10,
        secondaryUsedPercent: 7,
        resetsInSeconds: 600,
      },
      { accountId: "acc-b", email: "b@example.com", plan: "pro" },
      { accountId: "acc-codex", email: "c@example.com", usedPercent: 77 },
    ],
  });
});
after(() => backend.close());

function bearer(accountId: string): Record<string, string> {
  const tokens = backend.mintAuth(accountId).authJson.tokens as { access_token: string };
  return { authorization: `Bearer ${tokens.access_token}`, "chatgpt-account-id": accountId };
}

function postTurn(accountId: string, text = "hi"): Promise<Response> {
  return fetch(`${backend.upstreamBaseUrl}/responses`, {
    method: "POST",
    headers: { ...bearer(accountId), "content-type": "application/json", "session-id": "s-1" },
    body: JSON.stringify({
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
    }),
  });
}

function sseEvents(body: string): Array<Record<string, unknown>> {
  return body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}

test("model responses carry the usage headers and a codex.rate_limits event", async () => {
  const response = await postTurn("acc-a");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-codex-primary-used-percent"), "50");
  assert.equal(response.headers.get("x-codex-primary-window-minutes"), "300");
  assert.equal(response.headers.get("x-codex-secondary-used-percent"), "7");
  assert.equal(response.headers.get("x-codex-secondary-window-minutes"), "10080");
  const resetAt = Number(response.headers.get("x-codex-primary-reset-at"));
  // resetsInSeconds 600, counted from when the backend started (however long ago that was).
  assert.ok(
    resetAt >= startedS + 600 && resetAt <= Date.now() / 1000 + 600,
    `reset at ${resetAt}, backend started at ${startedS}`,
  );
  assert.equal(response.headers.get("x-codex-credits-has-credits"), "false");
  const events = sseEvents(await response.text());
  assert.deepEqual(
    events.map((e) => e.type),
    [
      "response.created",
      "codex.rate_limits",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ],
  );
  const limits = events[1]?.rate_limits as { primary: { used_percent: number; reset_at: number } };
  assert.equal(limits.primary.used_percent, 50);
  assert.equal(limits.primary.reset_at, resetAt);
  // Each request uses more of the window.
  assert.equal((await postTurn("acc-a")).headers.get("x-codex-primary-used-percent"), "60");
});

test("wham/usage answers for the bearer's account and 401 for an unknown bearer", async () => {
  const response = await fetch(`${backend.origin}/backend-api/wham/usage`, { headers: bearer("acc-b") });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-codex-primary-used-percent"), "0");
  const body = (await response.json()) as {
    plan_type: string;
    rate_limit: {
      allowed: boolean;
      primary_window: Record<string, number>;
      secondary_window: Record<string, number>;
    };
    credits: { has_credits: boolean };
  };
  assert.equal(body.plan_type, "pro");
  assert.equal(body.rate_limit.allowed, true);
  assert.equal(body.rate_limit.primary_window.limit_window_seconds, 18000);
  assert.equal(body.rate_limit.secondary_window.limit_window_seconds, 604800);
  assert.equal(body.credits.has_credits, false);

  for (const authorization of ["Bearer not-a-token", ""]) {
    const refused = await fetch(`${backend.origin}/backend-api/wham/usage`, { headers: { authorization } });
    assert.equal(refused.status, 401);
  }
  assert.equal((await fetch(`${backend.upstreamBaseUrl}/models`)).status, 401);
  assert.equal((await fetch(`${backend.origin}/nowhere`)).status, 404);
});

test("a usage limit answer carries the headers too, with the primary window full", async () => {
  backend.setAccount("acc-b", { quota: 0 });
  const response = await postTurn("acc-b");
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("x-codex-primary-used-percent"), "100");
  const body = (await response.json()) as { error: { type: string; resets_at: number } };
  assert.equal(body.error.type, "usage_limit_reached");
  assert.ok(body.error.resets_at > Date.now() / 1000, `resets_at ${body.error.resets_at} is in the future`);
  backend.setAccount("acc-b", { quota: undefined });
  assert.equal((await postTurn("acc-b")).status, 200);
});

test("codex records the backend's rate limits in its rollout", async () => {
  const codex = fakeCodexHome(backend, "acc-codex");
  const result = await codexExec(codex, "hi");
  assert.equal(result.code, 0, result.stderr);
  const percents = rolloutEvents(codex)
    .map(
      (e) =>
        e.payload as { type?: string; rate_limits?: { primary?: { used_percent?: number } } } | undefined,
    )
    .filter((p) => p?.type === "token_count")
    .map((p) => p?.rate_limits?.primary?.used_percent);
  assert.ok(percents.includes(77), JSON.stringify(percents));
});

test("bad request bodies get a 400, not a crash", async () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ "content-type": "application/json" }, "{not json"],
    [{ "content-type": "application/json", "content-encoding": "zstd" }, "not zstd at all"],
    [{ "content-type": "application/json", "content-encoding": "br" }, "{}"],
  ];
  for (const [headers, body] of cases) {
    const response = await fetch(`${backend.codexBaseUrl}/responses`, {
      method: "POST",
      headers: { ...bearer("acc-b"), ...headers },
      body,
    });
    assert.equal(response.status, 400, body);
  }
  const refresh = await fetch(backend.refreshUrl, { method: "POST", body: "{oops" });
  assert.equal(refresh.status, 400);
  assert.equal((await postTurn("acc-b")).status, 200, "still serving");
});
