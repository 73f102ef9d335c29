import assert from "node:assert/strict";
import { test } from "node:test";
import { request } from "undici";
import { readGatewayState } from "../../src/core/gateway-state.js";
import type { FakeBackend, FakeReply, FakeTurnInput } from "../../src/demo/fake-backend/types.js";
import { runCao } from "../helpers/cli.js";
import { eventually, gatewayWorld, modelTrail, type NamedAccount, readStatuses } from "../helpers/gateway.js";
import { codexThroughGateway, codexTrouble } from "../helpers/gateway-codex.js";

/** The real codex under test (newest or oldest, test/helpers/cli.ts) through the gateway, against the fake backend, loopback only. */

let backend: FakeBackend | undefined;
function reply(input: FakeTurnInput): FakeReply {
  // one runs out right after answering the tool call, before codex sends the tool output; deferred,
  // so this answer's own usage headers still show room (the limit comes as a surprise).
  if (input.accountId === "e-one" && !input.hasToolOutput)
    setImmediate(() => backend?.setAccount("e-one", { quota: 0 }));
  if (input.hasToolOutput)
    return { kind: "text", text: `tool said: ${input.toolOutput.includes("tool-ran")}` };
  if (input.userText.startsWith("use the shell")) return { kind: "shell", command: ["echo", "tool-ran"] };
  return { kind: "text", text: `echo: ${input.userText}` };
}

test("codex exec completes while the first account hits its usage limit mid-turn; cao status shows it", async () => {
  const accounts: NamedAccount[] = [
    {
      name: "one",
      accountId: "e-one",
      email: "one@example.com",
      usedPercent: 20,
      percentPerRequest: 0,
      resetsInSeconds: 3600,
    },
    { name: "two", accountId: "e-two", email: "two@example.com", usedPercent: 30, percentPerRequest: 0 },
  ];
  const w = await gatewayWorld(accounts, { backend: { reply } });
  backend = w.backend;
  await w.gateway.context.usage.checkAll();
  const result = await codexThroughGateway(w, "one", "use the shell please");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /tool said: true/);
  assert.equal(codexTrouble(result), undefined, result.stderr);
  assert.deepEqual(modelTrail(w, accounts), ["one:200", "one:429", "two:200"]);
  const sessions = new Set(
    w.backend.requests.filter((r) => r.path.endsWith("/responses")).map((r) => r.sessionId),
  );
  assert.equal(sessions.size, 1, "one codex session throughout");

  await eventually(
    () => typeof readStatuses(w.dir).one?.cooldownUntilMs === "number",
    () => JSON.stringify(readStatuses(w.dir)),
  );
  const status = await runCao(["status", "--json"], { env: w.world.env });
  assert.equal(status.code, 0, status.stderr);
  const one = JSON.parse(status.stdout).accounts.find((a: { name: string }) => a.name === "one");
  assert.equal(one.coolingDown, true);
  assert.equal(one.lastError, "usage_limit_reached");
  assert.equal(one.usage.fiveHour.usedPercent, 100);
  // The cooldown ends exactly when the backend says one's window resets (its usage endpoint tells).
  const usage = await request(`${w.backend.origin}/backend-api/wham/usage`, {
    headers: { authorization: `Bearer ${w.token("one")}`, "chatgpt-account-id": "e-one" },
  });
  const announced = ((await usage.body.json()) as { rate_limit: { primary_window: { reset_at: number } } })
    .rate_limit.primary_window.reset_at;
  assert.equal(one.cooldownUntil, new Date(announced * 1000).toISOString());
  assert.equal(readGatewayState(w.dir)?.account, "two", "the next codex launch starts on two");
});

test("HTTP path, compressing upstream: an account used up elsewhere (no warning) runs out mid-turn; codex never sees the 429", async () => {
  const accounts: NamedAccount[] = [
    // Serves one request (the tool call) with headers showing 5 %, then refuses: nothing warned.
    {
      name: "one",
      accountId: "c-one",
      email: "one@example.com",
      usedPercent: 5,
      quota: 1,
      usedUpElsewhere: true,
    },
    { name: "two", accountId: "c-two", email: "two@example.com", usedPercent: 30, percentPerRequest: 0 },
  ];
  const toolTurn = (input: FakeTurnInput): FakeReply =>
    input.hasToolOutput
      ? { kind: "text", text: `tool said: ${input.toolOutput.includes("tool-ran")}` }
      : { kind: "shell", command: ["echo", "tool-ran"] };
  // The upgrade is answered 426 (no `websocket`), so codex speaks HTTP SSE; compression as the edge does it.
  const w = await gatewayWorld(accounts, { backend: { reply: toolTurn, compression: "when-asked" } });
  await w.gateway.context.usage.checkAll();
  const result = await codexThroughGateway(w, "one", "use the shell please");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /tool said: true/);
  assert.equal(codexTrouble(result), undefined, result.stderr);
  // A status, not any "429" (session ids are random hex and can contain it).
  assert.doesNotMatch(`${result.stdout}\n${result.stderr}`, /(?<![\w-])429(?![\w-])|retry limit/);
  assert.deepEqual(modelTrail(w, accounts), ["one:200", "one:429", "two:200"]);
  assert.ok(
    w.backend.requests.some((r) => r.method === "GET" && r.status === 426),
    "codex tried the WebSocket first and was sent to HTTP",
  );
  // Codex 0.171 asks for zstd/gzip: then the 429 and the streams really came compressed.
  const asked = w.backend.requests.find((r) => r.path.endsWith("/responses") && r.method === "POST");
  if (asked?.acceptEncoding?.includes("gzip")) {
    const encoded = w.backend.encodedAnswers.filter((a) => a.path.endsWith("/responses"));
    assert.ok(
      encoded.some((a) => a.status === 429) && encoded.filter((a) => a.status === 200).length === 2,
      JSON.stringify(encoded),
    );
  }
});

test("a token near expiry: the gateway refreshes it once, before codex would, rotation honoured", async () => {
  const accounts: NamedAccount[] = [
    // 500 s: inside the gateway's 10-minute margin, outside codex's own 5 minutes.
    { name: "one", accountId: "n-one", email: "one@example.com", accessTtlSeconds: 500 },
  ];
  const w = await gatewayWorld(accounts);
  for (const prompt of ["first turn", "second turn"]) {
    const result = await codexThroughGateway(w, "one", prompt);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${prompt}$`, "m"));
    assert.equal(codexTrouble(result), undefined, result.stderr);
  }
  assert.equal(w.backend.refreshCount.get("n-one"), 1);
  assert.deepEqual(w.backend.reuseDetected, []);
});

test("every account out: codex shows its own usage-limit message with the earliest reset, no retry loop", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "o-one", email: "one@example.com", quota: 0, resetsInSeconds: 7200 },
    { name: "two", accountId: "o-two", email: "two@example.com", quota: 0, resetsInSeconds: 1800 },
  ];
  const w = await gatewayWorld(accounts);
  const result = await codexThroughGateway(w, "one", "hello");
  assert.equal(result.code, 1);
  const text = `${result.stdout}\n${result.stderr}`;
  assert.match(text, /You’ve hit your usage limit/);
  assert.match(text, /try again at/);
  assert.doesNotMatch(text, /Reconnecting|exceeded retry limit/);
  // Each account was asked once; after that the gateway answered from its cooldowns.
  assert.deepEqual(modelTrail(w, accounts).sort(), ["one:429", "two:429"]);
});
