import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend, FakeReply, FakeTurnInput } from "../../src/demo/fake-backend/types.js";
import { codexExec, fakeCodexHome } from "../helpers/real-codex.js";

// One backend for the file; each test uses its own account so counts do not mix.
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
    accounts: [
      { accountId: "acc-text", email: "text@example.com" },
      { accountId: "acc-tool", email: "tool@example.com" },
    ],
    reply,
  });
});
after(() => backend.close());

function modelRequests(accountId: string) {
  return backend.requests.filter(
    (r) => r.accountId === accountId && r.path === "/v1/responses" && r.method === "POST",
  );
}

test("codex exec completes a turn with the reply text; the request records account and session", async () => {
  const codex = fakeCodexHome(backend, "acc-text");
  const result = await codexExec(codex, "say hi");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /echo: say hi/);
  const [request, ...rest] = modelRequests("acc-text");
  assert.equal(rest.length, 0);
  assert.equal(request?.status, 200);
  assert.equal(request?.transport, "http");
  assert.equal(request?.contentEncoding, "zstd", "codex compresses its requests; the backend decodes them");
  const sessionId = /session id: (\S+)/.exec(result.stderr)?.[1];
  assert.ok(sessionId, result.stderr);
  assert.equal(request?.sessionId, sessionId);
  // The WebSocket upgrade was refused with 426, so Codex fell back to HTTP SSE at once.
  assert.ok(
    backend.requests.some((r) => r.path === "/v1/responses" && r.status === 426),
    JSON.stringify(backend.requests.map((r) => `${r.method} ${r.path} ${r.status}`)),
  );
});

test("a shell reply makes codex run the command and send its output in a follow-up request", async () => {
  const codex = fakeCodexHome(backend, "acc-tool");
  const result = await codexExec(codex, "use the shell");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /tool said: true/);
  const requests = modelRequests("acc-tool");
  assert.deepEqual(
    requests.map((r) => r.hasToolOutput),
    [false, true],
  );
  assert.equal(requests[0]?.sessionId, requests[1]?.sessionId);
  // The follow-up echoes the turn state the first response issued.
  assert.equal(requests[0]?.turnState, undefined);
  assert.match(requests[1]?.turnState ?? "", /^ts-acc-tool-/);
  const followUp = turns.find((t) => t.accountId === "acc-tool" && t.hasToolOutput);
  assert.match(followUp?.toolOutput ?? "", /tool-ran/);
});
