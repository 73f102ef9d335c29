import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { modelCalls, runWorld, startDetachedGateway } from "./run-world.js";

// `cao run --gateway` with the real codex and a real detached gateway, both on the fake backend.
let backend: FakeBackend;
before(async () => {
  backend = await startFakeBackend({
    accounts: [
      { accountId: "x-out", email: "x@example.com", quota: 0, resetsInSeconds: 3600 },
      { accountId: "x-ok", email: "x2@example.com" },
    ],
    reply: (input) => ({ kind: "text", text: `echo: ${input.userText}` }),
  });
});
after(() => backend.close());

test("--gateway: one codex run through the running gateway, which moves to the next account", async () => {
  const world = runWorld(backend, [
    { name: "gwout", accountId: "x-out" },
    { name: "gwok", accountId: "x-ok" },
  ]);
  await startDetachedGateway(world, backend);
  try {
    const since = Date.now();
    const result = await world.cao([
      "run",
      "--gateway",
      "--",
      "exec",
      "--skip-git-repo-check",
      "via gateway",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "echo: via gateway");
    const calls = modelCalls(backend, since);
    assert.equal(calls.at(-1), "x-ok 200", calls.join(", "));
    assert.equal(result.stderr.split("OpenAI Codex v").length - 1, 1, "codex ran once; the gateway switched");
    assert.equal(calls.filter((c) => c.endsWith(" 200")).length, 1);
  } finally {
    await world.cao(["gateway", "stop"]);
  }
  const notRunning = await world.cao(["run", "--gateway", "--", "exec", "x"]);
  assert.equal(notRunning.code, 1);
  assert.match(notRunning.stderr, /the gateway is not running/);
  assert.match(notRunning.stderr, /cao gateway start --detach/);
});
