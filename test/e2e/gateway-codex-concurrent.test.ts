import assert from "node:assert/strict";
import { test } from "node:test";
import { gatewayWorld, type NamedAccount } from "../helpers/gateway.js";
import { codexThroughGateway, codexTrouble } from "../helpers/gateway-codex.js";

test("20 concurrent codex runs on tokens near expiry: exactly one refresh per account, no reuse", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "m-one", email: "one@example.com", accessTtlSeconds: 500 },
    { name: "two", accountId: "m-two", email: "two@example.com", accessTtlSeconds: 500 },
  ];
  const w = await gatewayWorld(accounts);
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => codexThroughGateway(w, i % 2 ? "one" : "two", `run ${i}`)),
  );
  for (const [i, result] of results.entries()) {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^run ${i}$`, "m"));
    assert.equal(codexTrouble(result), undefined, result.stderr);
  }
  assert.equal(w.backend.refreshCount.get("m-one"), 1);
  assert.equal(w.backend.refreshCount.get("m-two"), 1);
  assert.deepEqual(w.backend.reuseDetected, []);
});
