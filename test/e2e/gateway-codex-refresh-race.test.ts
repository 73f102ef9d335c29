import assert from "node:assert/strict";
import { test } from "node:test";
import { writeFileAtomic } from "../../src/core/atomic-write.js";
import { authPath } from "../../src/core/paths.js";
import type { FakeReply, FakeTurnInput } from "../../src/demo/fake-backend/types.js";
import { gatewayWorld, type NamedAccount } from "../helpers/gateway.js";
import { codexThroughGateway, codexTrouble } from "../helpers/gateway-codex.js";

/**
 * The way multi-account tools usually kill logins: the gateway rotates the
 * refresh token while a codex is running, and that codex later reaches its own
 * refresh point (exp - 5 min) holding the old one. Here codex starts on a
 * login with 330 s left (no refresh of its own, even on a slow start), its
 * first request makes the gateway refresh (inside its 10 minutes), and three
 * tool calls of 9 s each (codex stops a command at 10 s) carry codex past its
 * 5-minute mark before the last request. The refresh token must never be used
 * twice, and the one refresh must be the gateway's.
 */
function reply(input: FakeTurnInput): FakeReply {
  const ticks = input.toolOutput.split("tick").length - 1;
  if (ticks >= 3) return { kind: "text", text: "slept well" };
  return { kind: "shell", command: ["sh", "-c", "sleep 9; echo tick"] };
}

test("a running codex that crosses its own refresh point after the gateway refreshed: no reuse, one refresh", async () => {
  const accounts: NamedAccount[] = [{ name: "one", accountId: "q-one", email: "one@example.com" }];
  const w = await gatewayWorld(accounts, { backend: { reply } });
  await w.gateway.context.usage.checkAll();
  const near = w.backend.mintAuth("q-one", { accessTtlSeconds: 330 });
  writeFileAtomic(authPath("one", w.dir), JSON.stringify(near.authJson), { mode: 0o600 });
  const started = Date.now();
  const result = await codexThroughGateway(w, "one", "sleep a little");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /slept well/);
  assert.equal(codexTrouble(result), undefined, result.stderr);
  const model = w.backend.requests.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));
  assert.deepEqual(
    model.map((r) => r.status),
    [200, 200, 200, 200],
  );
  assert.ok(
    (model[3]?.atMs ?? 0) - started > 27_000,
    "the last request came after codex's own refresh point",
  );
  assert.equal(w.backend.refreshCount.get("q-one"), 1);
  assert.ok(
    w.logs.includes("refreshed the token of one"),
    "the refresh was the gateway's, codex kept its old token",
  );
  assert.deepEqual(w.backend.reuseDetected, []);
});
