import assert from "node:assert/strict";
import { test } from "node:test";
import type { FakeReply, FakeTurnInput } from "../../src/fake-backend/types.js";
import { gatewayWorld, type NamedAccount } from "../helpers/gateway.js";
import { codexThroughGateway, codexTrouble } from "../helpers/gateway-codex.js";

/**
 * The way multi-account tools usually kill logins: the gateway rotates the
 * refresh token, then the codex that is still running reaches its own refresh
 * point (exp - 5 min) holding the old one. Codex starts with 304 s left (no
 * refresh of its own), the gateway refreshes at once (inside its 10 minutes),
 * and a tool call that sleeps 16 s carries codex past its 5-minute mark before
 * the follow-up request. The refresh token must never be used twice.
 */
function reply(input: FakeTurnInput): FakeReply {
  if (input.hasToolOutput) return { kind: "text", text: "slept well" };
  return { kind: "shell", command: ["sleep", "16"] };
}

test("a running codex that crosses its own refresh point after the gateway refreshed: no reuse, one refresh", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "q-one", email: "one@example.com", accessTtlSeconds: 304 },
  ];
  const w = await gatewayWorld(accounts, { backend: { reply } });
  const started = Date.now();
  const result = await codexThroughGateway(w, "one", "sleep a little");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /slept well/);
  assert.equal(codexTrouble(result), undefined, result.stderr);
  const model = w.backend.requests.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));
  assert.deepEqual(
    model.map((r) => r.status),
    [200, 200],
  );
  assert.ok((model[1]?.atMs ?? 0) - started > 15_000, "the follow-up came after codex's own refresh point");
  assert.equal(w.backend.refreshCount.get("q-one"), 1);
  assert.deepEqual(w.backend.reuseDetected, []);
});
