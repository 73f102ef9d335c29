import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fakeCodexConfigToml } from "../../src/demo/fake-backend/codex-home.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type {
  FakeBackend,
  FakeReply,
  FakeTurnInput,
  RecordedRequest,
} from "../../src/demo/fake-backend/types.js";
import { DEFAULT_GATEWAY_CONFIG } from "../../src/gateway/config.js";
import { type Gateway, startGateway } from "../../src/gateway/server.js";
import { codexBin, runProcess } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

/**
 * The Responses WebSocket through the gateway, with the real codex on the
 * built-in provider route (`-c openai_base_url=<gateway>/v1`) and the fake
 * backend serving WebSocket: sessions survive an account's usage limit.
 */
let backend: FakeBackend;

function reply(input: FakeTurnInput): FakeReply {
  // b1 runs out right after answering the tool call, before Codex sends the tool output. Deferred, so
  // this answer's own codex.rate_limits event still shows room (the limit comes as a surprise).
  if (input.accountId === "acc-b1" && !input.hasToolOutput)
    setImmediate(() => backend.setAccount("acc-b1", { quota: 0 }));
  if (input.hasToolOutput)
    return { kind: "text", text: `tool said: ${input.toolOutput.includes("tool-ran")}` };
  if (input.userText.startsWith("use the shell")) return { kind: "shell", command: ["echo", "tool-ran"] };
  return { kind: "text", text: `echo: ${input.userText}` };
}

/** a1 runs out between Codex's prewarm and its first real request (the prewarm answer carries no usage). */
function exhaustAfterPrewarm(accountId: string): void {
  const requests = backend.requests as RecordedRequest[];
  const push = requests.push.bind(requests);
  requests.push = (...items: RecordedRequest[]) => {
    for (const item of items)
      if (item.accountId === accountId && item.prewarm) backend.setAccount(accountId, { quota: 0 });
    return push(...items);
  };
}

before(async () => {
  backend = await startFakeBackend({
    websocket: true,
    reply,
    accounts: [
      { accountId: "acc-a1", email: "a1@example.com", resetsInSeconds: 3600 },
      { accountId: "acc-a2", email: "a2@example.com" },
      { accountId: "acc-b1", email: "b1@example.com", resetsInSeconds: 3600 },
      { accountId: "acc-b2", email: "b2@example.com" },
      { accountId: "acc-c1", email: "c1@example.com" },
      { accountId: "acc-e1", email: "e1@example.com" },
      // p1 crosses the 95% threshold with its first answer (its codex.rate_limits event says 96%).
      {
        accountId: "acc-p1",
        email: "p1@example.com",
        usedPercent: 90,
        percentPerRequest: 6,
        resetsInSeconds: 600,
      },
      {
        accountId: "acc-p2",
        email: "p2@example.com",
        usedPercent: 88,
        percentPerRequest: 0,
        resetsInSeconds: 3600,
      },
      { accountId: "acc-x1", email: "x1@example.com", quota: 0, resetsInSeconds: 7200 },
      { accountId: "acc-x2", email: "x2@example.com", quota: 0, resetsInSeconds: 3600 },
    ],
  });
  exhaustAfterPrewarm("acc-a1");
});
after(() => backend.close());

interface GatewayWorld {
  gateway: Gateway;
  dataDir: string;
  log: string[];
  /** Runs the real codex in the first account's home, routed through the gateway. */
  codex(prompt: string): Promise<{ code: number | null; output: string }>;
}

async function gatewayWorld(accounts: Array<{ name: string; accountId: string }>): Promise<GatewayWorld> {
  const world = tempWorld();
  fs.mkdirSync(world.dataDir, { recursive: true, mode: 0o700 });
  const registry = { default_account: accounts[0]?.name, accounts: accounts.map((a) => a.name) };
  fs.writeFileSync(path.join(world.dataDir, "registry.json"), JSON.stringify(registry));
  for (const { name, accountId } of accounts) {
    const home = path.join(world.dataDir, name);
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(path.join(home, "auth.json"), JSON.stringify(backend.mintAuth(accountId).authJson), {
      mode: 0o600,
    });
    fs.writeFileSync(path.join(home, "config.toml"), fakeCodexConfigToml(backend));
  }
  const log: string[] = [];
  const gateway = await startGateway({
    config: { ...DEFAULT_GATEWAY_CONFIG, port: 0, baseUrl: backend.upstreamBaseUrl },
    dir: world.dataDir,
    log: (line) => log.push(line),
    refreshUrl: backend.refreshUrl,
  });
  after(() => gateway.close());
  const home = path.join(world.dataDir, accounts[0]?.name ?? "");
  const env: NodeJS.ProcessEnv = {
    ...world.env,
    CODEX_HOME: home,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl,
  };
  return {
    gateway,
    dataDir: world.dataDir,
    log,
    async codex(prompt) {
      const result = await runProcess(
        codexBin,
        ["exec", "--skip-git-repo-check", "-c", `openai_base_url="${gateway.url}"`, prompt],
        { env, cwd: world.root, timeoutMs: 60_000 },
      );
      return { code: result.code, output: result.stdout + result.stderr };
    },
  };
}

const socketCalls = (accountIds: string[]) =>
  backend.requests
    .filter((r) => r.accountId !== undefined && accountIds.includes(r.accountId) && r.method !== "GET")
    .map(
      (r) =>
        `${r.accountId} ${r.method} ${r.prewarm ? "prewarm" : r.hasToolOutput ? "tool-output" : "turn"} ${r.status}`,
    );

function assertInvisible(output: string): void {
  assert.doesNotMatch(output, /Reconnecting/i);
  assert.doesNotMatch(output, /fall(ing)?\s*back/i);
  assert.doesNotMatch(output, /^ERROR/m);
  assert.doesNotMatch(output, /usage limit/i);
}

test("codex talks WebSocket through the gateway (no HTTP fallback)", async () => {
  const world = await gatewayWorld([{ name: "c1", accountId: "acc-c1" }]);
  const result = await world.codex("over the gateway socket");
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /echo: over the gateway socket/);
  assertInvisible(result.output);
  const calls = socketCalls(["acc-c1"]);
  assert.ok(calls.length >= 2 && calls.every((call) => call.includes(" WS ")), calls.join("\n"));
});

test("a usage limit at the first request of a turn moves the session unseen", async () => {
  const world = await gatewayWorld([
    { name: "a1", accountId: "acc-a1" },
    { name: "a2", accountId: "acc-a2" },
  ]);
  const result = await world.codex("first turn");
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /echo: first turn/);
  assertInvisible(result.output);
  const calls = socketCalls(["acc-a1", "acc-a2"]);
  // The turn was chained on a1's prewarm: the gateway replayed the prewarm on a2 and chained the turn
  // on that, all on Codex's one connection.
  assert.deepEqual(calls, [
    "acc-a1 WS prewarm 200",
    "acc-a1 WS turn 429",
    "acc-a2 WS prewarm 200",
    "acc-a2 WS turn 200",
  ]);
  assert.match(world.log.join("\n"), /a1 usage_limit_reached: session moved to a2/);
  // `cao gateway logs` shows the turn with the account that served it, as for an HTTP request.
  const turnLines = world.log.filter((line) => / turn /.test(line) && line.startsWith("WS "));
  assert.deepEqual(
    turnLines.map((line) => line.replace(/^WS session=\S+ /, "").replace(/ turn .*/, "")),
    ["a1", "a2"],
    world.log.join("\n"),
  );
});

test("a multi-request turn with a tool call survives the first account's usage limit", async () => {
  const world = await gatewayWorld([
    { name: "b1", accountId: "acc-b1" },
    { name: "b2", accountId: "acc-b2" },
  ]);
  const result = await world.codex("use the shell please");
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /tool said: true/);
  assertInvisible(result.output);
  const calls = socketCalls(["acc-b1", "acc-b2"]);
  // b1 served the turn's first request (the tool call), then ran out at the tool-output follow-up.
  assert.ok(calls.includes("acc-b1 WS turn 200"), calls.join("\n"));
  assert.ok(calls.includes("acc-b1 WS tool-output 429"), calls.join("\n"));
  assert.ok(calls.includes("acc-b2 WS tool-output 200"), calls.join("\n"));
});

test("when every account is out, codex gets its own usage-limit error, no reconnect loop", async () => {
  const world = await gatewayWorld([
    { name: "x1", accountId: "acc-x1" },
    { name: "x2", accountId: "acc-x2" },
  ]);
  const result = await world.codex("anyone?");
  assert.equal(result.code, 1);
  assert.match(result.output, /You’ve hit your usage limit/);
  assert.doesNotMatch(result.output, /Reconnecting/i);
  const calls = socketCalls(["acc-x1", "acc-x2"]).filter((call) => !call.includes("prewarm"));
  assert.ok(calls.includes("acc-x1 WS turn 429") || calls.includes("acc-x2 WS turn 429"), calls.join("\n"));
  assert.ok(
    calls.every((call) => call.endsWith(" 429")),
    calls.join("\n"),
  );
});

test("proactive: a codex.rate_limits event past the threshold moves the session before the next request", async () => {
  const world = await gatewayWorld([
    { name: "p1", accountId: "acc-p1" },
    { name: "p2", accountId: "acc-p2" },
  ]);
  const result = await world.codex("use the shell, then answer");
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /tool said: true/);
  assertInvisible(result.output);
  const calls = socketCalls(["acc-p1", "acc-p2"]);
  // p1 answered with the tool call, never hit a limit; the follow-up went to p2 (full input resent).
  assert.ok(calls.includes("acc-p1 WS turn 200"), calls.join("\n"));
  assert.ok(calls.includes("acc-p2 WS tool-output 200"), calls.join("\n"));
  assert.ok(!calls.some((call) => call.endsWith(" 429")), calls.join("\n"));
  assert.match(world.log.join("\n"), /p1 routed elsewhere before the next request: session moved to p2/);
});

test("an upstream 5xx error event before any answer is retried on a fresh upstream, unseen", async () => {
  const world = await gatewayWorld([{ name: "e1", accountId: "acc-e1" }]);
  backend.injectFault({ kind: "status", status: 503, accountId: "acc-e1", count: 1 });
  const result = await world.codex("through a hiccup");
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /echo: through a hiccup/);
  assertInvisible(result.output);
  const calls = socketCalls(["acc-e1"]).filter((call) => !call.includes("prewarm"));
  assert.deepEqual(calls, ["acc-e1 WS turn 503", "acc-e1 WS turn 200"]);
  assert.match(world.log.join("\n"), /e1 error 503: session reopened/);
});
