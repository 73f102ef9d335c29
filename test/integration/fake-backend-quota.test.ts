import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexExec, fakeCodexHome, rolloutEvents } from "../helpers/real-codex.js";

let backend: FakeBackend;
const RESETS_IN = 5400;

before(async () => {
  backend = await startFakeBackend({
    accounts: [
      { accountId: "acc-quota", email: "quota@example.com", quota: 1, resetsInSeconds: RESETS_IN },
      { accountId: "acc-free", email: "free@example.com", plan: "free", notIncluded: true },
    ],
  });
});
after(() => backend.close());

function payloads(events: Array<Record<string, unknown>>, type: string): Array<Record<string, unknown>> {
  return events
    .filter((e) => e.type === "event_msg")
    .map((e) => e.payload as Record<string, unknown>)
    .filter((p) => p.type === type);
}

test("after its quota an account answers 429 usage_limit_reached; codex stops and records why", async () => {
  const codex = fakeCodexHome(backend, "acc-quota");
  const first = await codexExec(codex, "first");
  assert.equal(first.code, 0, first.stderr);

  const startS = Math.floor(Date.now() / 1000);
  const second = await codexExec(codex, "second");
  assert.equal(second.code, 1);
  assert.match(second.stderr + second.stdout, /You’ve hit your usage limit/);
  const statuses = backend.requests
    .filter((r) => r.accountId === "acc-quota" && r.method === "POST")
    .map((r) => r.status);
  assert.deepEqual(statuses, [200, 429], "no retry after a usage limit");

  const events = rolloutEvents(codex);
  const limited = payloads(events, "token_count")
    .map((p) => p.rate_limits as { primary?: { used_percent?: number; resets_at?: number } } | undefined)
    .find((limits) => limits?.primary?.used_percent === 100);
  assert.ok(limited, "token_count event with the exhausted primary window");
  const resetsAt = limited.primary?.resets_at ?? 0;
  assert.ok(Math.abs(resetsAt - (startS + RESETS_IN)) < 30, `resets_at ${resetsAt}`);
  const completes = payloads(events, "task_complete").map(
    (p) => p.error as Record<string, unknown> | undefined,
  );
  const failure = completes.find((error) => error?.codex_error_info === "usage_limit_exceeded");
  assert.ok(failure, JSON.stringify(completes));
  assert.match(String(failure.message), /usage limit/);
});

test("a plan without Codex answers 429 usage_not_included", async () => {
  const codex = fakeCodexHome(backend, "acc-free");
  const result = await codexExec(codex, "hello");
  assert.equal(result.code, 1);
  assert.match(result.stderr + result.stdout, /upgrade to Plus/);
  const refused = backend.requests.filter((r) => r.accountId === "acc-free" && r.method === "POST");
  assert.deepEqual(
    refused.map((r) => r.status),
    [429],
  );
});
