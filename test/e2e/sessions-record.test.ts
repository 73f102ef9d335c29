import assert from "node:assert/strict";
import { test } from "node:test";
import { loadSessions, type SessionRecord } from "../../src/core/session-store.js";
import type { FakeBackend, FakeReply, FakeTurnInput } from "../../src/demo/fake-backend/types.js";
import { runCao } from "../helpers/cli.js";
import { eventually, gatewayWorld, type NamedAccount } from "../helpers/gateway.js";
import { codexThroughGateway } from "../helpers/gateway-codex.js";

/** Who served what: the real codex through the real gateway (WebSocket and HTTP), read back with `cao sessions`. */

for (const transport of ["websocket", "http"] as const) {
  test(`${transport}: each turn's account and a move with its reason are recorded; cao sessions shows them`, async () => {
    let backend: FakeBackend | undefined;
    const id = (name: string) => `sr-${transport}-${name}`;
    // one runs out after answering the tool call: the follow-up of the same turn moves to two.
    const reply = (input: FakeTurnInput): FakeReply => {
      if (input.accountId === id("one") && !input.hasToolOutput)
        setImmediate(() => backend?.setAccount(id("one"), { quota: 0 }));
      if (input.hasToolOutput) return { kind: "text", text: "done" };
      return { kind: "shell", command: ["echo", "tool-ran"] };
    };
    const accounts: NamedAccount[] = [
      { name: "one", accountId: id("one"), email: "one@example.com", usedPercent: 10, percentPerRequest: 0 },
      { name: "two", accountId: id("two"), email: "two@example.com", usedPercent: 40, percentPerRequest: 0 },
    ];
    const w = await gatewayWorld(accounts, { backend: { reply, websocket: transport === "websocket" } });
    backend = w.backend;
    await w.gateway.context.usage.checkAll();
    const result = await codexThroughGateway(w, "one", "use the shell");
    assert.equal(result.code, 0, result.stderr);

    const sessionId = w.backend.requests.find((r) => r.path.endsWith("/responses"))?.sessionId;
    assert.ok(sessionId);
    let record: SessionRecord | undefined;
    await eventually(() => {
      record = loadSessions(w.dir).find((s) => s.id === sessionId);
      return (record?.moves.length ?? 0) > 0 && record?.turns.at(-1)?.account === "two";
    });
    const turns = record!.turns.filter((t) => t.transport === transport);
    assert.ok(turns.length >= 2, JSON.stringify(record));
    const turnIds = new Set(turns.map((t) => t.id).filter((t) => t !== null));
    assert.equal(turnIds.size, 1, `one codex turn, served by both accounts: ${JSON.stringify(turns)}`);
    assert.match([...turnIds][0]!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      turns.map((t) => t.account).filter((a, i, all) => all[i - 1] !== a),
      ["one", "two"],
    );
    assert.equal(record!.moves[0]?.from, "one");
    assert.equal(record!.moves[0]?.to, "two");
    assert.equal(record!.moves[0]?.reason, "usage limit");
    assert.equal(record!.moves[0]?.turn, [...turnIds][0]);

    const list = await runCao(["sessions"], { env: w.world.env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${sessionId} +gateway .* one → two +1 move \\(usage limit\\)`));
    const one = await runCao(["sessions", sessionId.slice(0, 13)], { env: w.world.env });
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /moved one → two: usage limit/);
    assert.match(one.stdout, new RegExp(`two  turn ${[...turnIds][0]}`));
    const missing = await runCao(["sessions", "nope"], { env: w.world.env });
    assert.equal(missing.code, 2);
  });
}
