import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, test } from "node:test";
import { WebSocket } from "ws";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend, FakeReply, FakeTurnInput } from "../../src/demo/fake-backend/types.js";
import { waitUntil } from "../helpers/deadline.js";
import { codexExec, fakeCodexHome, rolloutEvents } from "../helpers/real-codex.js";

let backend: FakeBackend;
const turns: FakeTurnInput[] = [];

function reply(input: FakeTurnInput): FakeReply {
  turns.push(input);
  if (input.hasToolOutput)
    return { kind: "text", text: `tool said: ${input.toolOutput.includes("tool-ran")}` };
  if (input.userText === "use the shell") return { kind: "shell", command: ["echo", "tool-ran"] };
  return { kind: "text", text: `echo: ${input.userText}` };
}

before(async () => {
  backend = await startFakeBackend({
    websocket: true,
    reply,
    accounts: [
      { accountId: "acc-ws", email: "ws@example.com" },
      { accountId: "acc-ws-tool", email: "tool@example.com" },
      { accountId: "acc-ws-quota", email: "quota@example.com", quota: 0 },
      { accountId: "acc-raw", email: "raw@example.com" },
    ],
  });
});
after(() => backend.close());

function ours(accountId: string) {
  return backend.requests.filter((r) => r.accountId === accountId);
}

test("with websocket: true codex runs a whole turn over the WebSocket, prewarm first", async () => {
  const result = await codexExec(fakeCodexHome(backend, "acc-ws"), "over the socket");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /echo: over the socket/);
  const requests = ours("acc-ws");
  assert.ok(!requests.some((r) => r.method === "POST"), "no HTTP SSE request");
  assert.ok(
    requests.some((r) => r.method === "GET" && r.status === 101),
    JSON.stringify(requests.map((r) => `${r.method} ${r.path} ${r.status}`)),
  );
  const messages = requests.filter((r) => r.method === "WS");
  assert.deepEqual(
    messages.map((r) => [r.prewarm === true, r.status]),
    [
      [true, 200],
      [false, 200],
    ],
  );
  assert.deepEqual(
    new Set(messages.map((r) => r.sessionId)),
    new Set([messages[0]?.sessionId]),
    "one session id",
  );
  assert.ok(messages[0]?.sessionId, "a session id");
});

test("a tool call over the WebSocket: the follow-up chains on the previous response", async () => {
  const result = await codexExec(fakeCodexHome(backend, "acc-ws-tool"), "use the shell");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /tool said: true/);
  const generated = ours("acc-ws-tool").filter((r) => r.method === "WS" && !r.prewarm);
  assert.deepEqual(
    generated.map((r) => r.hasToolOutput),
    [false, true],
  );
  // Codex sends only the tool output on the follow-up; the connection remembers the turn's prompt.
  const followUp = turns.find((t) => t.accountId === "acc-ws-tool" && t.hasToolOutput);
  assert.equal(followUp?.userText, "use the shell");
});

test("a usage limit over the WebSocket is an error event codex treats like the HTTP 429", async () => {
  const codex = fakeCodexHome(backend, "acc-ws-quota");
  const result = await codexExec(codex, "hi");
  assert.equal(result.code, 1);
  assert.match(result.stderr + result.stdout, /You’ve hit your usage limit/);
  assert.deepEqual(
    ours("acc-ws-quota")
      .filter((r) => r.method === "POST")
      .map((r) => r.path),
    [],
    "no HTTP fallback",
  );
  const failure = rolloutEvents(codex)
    .map((e) => e.payload as { type?: string; error?: { codex_error_info?: string } } | undefined)
    .find((p) => p?.type === "task_complete");
  assert.equal(failure?.error?.codex_error_info, "usage_limit_exceeded");
});

async function openSocket(
  accountId: string,
): Promise<{ ws: WebSocket; events: Array<Record<string, unknown>> }> {
  const tokens = backend.mintAuth(accountId).authJson.tokens as { access_token: string };
  const ws = new WebSocket(`${backend.codexBaseUrl.replace("http", "ws")}/responses`, {
    headers: { authorization: `Bearer ${tokens.access_token}`, "session-id": "raw-session" },
  });
  const events: Array<Record<string, unknown>> = [];
  ws.on("message", (data) => events.push(JSON.parse(String(data)) as Record<string, unknown>));
  await once(ws, "open");
  return { ws, events };
}

function until(check: () => boolean): Promise<void> {
  return waitUntil(check, { describe: () => `events for ${check}`, intervalMs: 10 });
}

test("raw protocol: unknown previous_response_id, injected faults as error events, bad bearer refused", async () => {
  const { ws, events } = await openSocket("acc-raw");
  const create = (extra: Record<string, unknown>) =>
    ws.send(JSON.stringify({ type: "response.create", input: [], ...extra }));
  create({ previous_response_id: "resp_unknown" });
  await until(() => events.length === 1);
  assert.deepEqual(events[0], {
    type: "error",
    status: 400,
    error: {
      type: "invalid_request_error",
      code: "previous_response_not_found",
      message: "Previous response with id 'resp_unknown' not found.",
    },
  });

  backend.injectFault({ kind: "status", status: 503, accountId: "acc-raw" });
  create({});
  await until(() => events.length === 2);
  assert.equal(events[1]?.type, "error");
  assert.equal(events[1]?.status, 503);

  create({});
  await until(() => events.at(-1)?.type === "response.completed");
  backend.injectFault({ kind: "reset", afterEvents: 1, accountId: "acc-raw" });
  create({});
  await once(ws, "close");

  const refused = new WebSocket(`${backend.codexBaseUrl.replace("http", "ws")}/responses`, {
    headers: { authorization: "Bearer nope" },
  });
  const [, response] = (await once(refused, "unexpected-response")) as [unknown, { statusCode: number }];
  assert.equal(response.statusCode, 401);
  refused.on("error", () => {}); // terminating an unestablished socket reports that as an error
  refused.terminate();
});

test("close() ends open WebSocket sessions too", async () => {
  const other = await startFakeBackend({
    websocket: true,
    accounts: [{ accountId: "acc-x", email: "x@example.com" }],
  });
  const tokens = other.mintAuth("acc-x").authJson.tokens as { access_token: string };
  const ws = new WebSocket(`${other.codexBaseUrl.replace("http", "ws")}/responses`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  await once(ws, "open");
  const closed = once(ws, "close");
  await other.close();
  await closed;
});
