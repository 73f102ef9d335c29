import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { codexEnv } from "../../src/core/codex-env.js";
import { fakeCodexConfigToml } from "../../src/demo/fake-backend/codex-home.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { type CaptureProxy, startCaptureProxy } from "../helpers/capture-proxy.js";
import { codexBin, runCao, runProcess } from "../helpers/cli.js";
import { waitUntil } from "../helpers/deadline.js";
import { tempWorld } from "../helpers/temp.js";

let backend: FakeBackend;
let proxy: CaptureProxy;

before(async () => {
  backend = await startFakeBackend({
    accounts: [
      { accountId: "acc-a", email: "a@example.com" },
      { accountId: "acc-b", email: "b@example.com" },
    ],
    // "HOLD" makes the model ask for `sleep 4`: codex keeps the session (and its writer lock) open.
    reply: (turn) =>
      turn.userText.includes("HOLD") && !turn.hasToolOutput
        ? { kind: "shell", command: ["sleep", "4"] }
        : { kind: "text", text: `noted: ${turn.userText}` },
  });
  proxy = await startCaptureProxy(backend.origin);
});

after(async () => {
  await proxy.close();
  await backend.close();
});

/** Two accounts made by `cao add`, signed in to the fake backend; codex runs in either home. */
async function twoAccountWorld() {
  const w = tempWorld();
  fs.mkdirSync(w.codexHome, { recursive: true, mode: 0o700 });
  // The user's main Codex config points Codex at the (proxied) fake backend;
  // cao layers it into every account's config.toml.
  const viaProxy = { ...backend, origin: proxy.origin, codexBaseUrl: `${proxy.origin}/v1` } as FakeBackend;
  fs.writeFileSync(path.join(w.codexHome, "config.toml"), fakeCodexConfigToml(viaProxy));
  const project = path.join(w.root, "project");
  fs.mkdirSync(project);
  for (const [name, accountId] of [
    ["a", "acc-a"],
    ["b", "acc-b"],
  ] as const) {
    const added = await runCao(["add", name, "--no-login"], { env: w.env });
    assert.equal(added.code, 0, added.stderr);
    const { authJson } = backend.mintAuth(accountId);
    fs.writeFileSync(path.join(w.dataDir, name, "auth.json"), JSON.stringify(authJson), { mode: 0o600 });
  }
  const codexIn = (name: string, args: string[]) =>
    runProcess(codexBin, ["exec", "--skip-git-repo-check", ...args], {
      cwd: project,
      env: {
        ...codexEnv(path.join(w.dataDir, name), w.env),
        CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl,
      },
      timeoutMs: 90_000,
    });
  return { w, codexIn };
}

/**
 * The shared-home design end to end: two accounts made by `cao add`, a
 * conversation started with the real codex in A's home, resumed by id in B's
 * home. B's model request carries A's earlier turn, and it is recorded in the
 * one shared rollout file.
 */
test("a session started on account A is resumed by id on account B", async () => {
  const { w, codexIn } = await twoAccountWorld();
  const first = await codexIn("a", ["remember the word PAPAYA-7"]);
  assert.equal(first.code, 0, first.stderr);
  const sessionId = /session id: ([0-9a-f-]{36})/.exec(first.stdout + first.stderr)?.[1];
  assert.ok(sessionId, `session id in codex output: ${first.stderr}`);
  assert.ok(
    proxy.turns.some((t) => t.accountId === "acc-a" && t.body.includes("PAPAYA-7")),
    `turns on ${proxy.turns.map((t) => t.accountId).join(", ")}`,
  );

  const resumed = await codexIn("b", ["resume", sessionId, "which word was it?"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const bTurns = proxy.turns.filter((t) => t.accountId === "acc-b");
  assert.ok(bTurns.length > 0, "account B served the resumed turn");
  const last = bTurns.at(-1)?.body ?? "";
  assert.ok(last.includes("which word was it?"), "the new prompt");
  assert.ok(last.includes("PAPAYA-7"), "the earlier turn from account A is in B's model input");

  // One conversation record, in the main home's sessions/ (shared by both accounts).
  const rollouts = fs
    .readdirSync(path.join(w.codexHome, "sessions"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".jsonl") && f.includes(sessionId));
  assert.equal(rollouts.length, 1, rollouts.join());
  const transcript = fs.readFileSync(path.join(w.codexHome, "sessions", rollouts[0] ?? ""), "utf8");
  assert.match(transcript, /PAPAYA-7/);
  assert.match(transcript, /which word was it\?/);
  // Each home kept its own login: codex did not copy one account's tokens into the other.
  const accountOf = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(w.dataDir, name, "auth.json"), "utf8")).tokens.account_id;
  assert.equal(accountOf("a"), "acc-a");
  assert.equal(accountOf("b"), "acc-b");
});

/**
 * Codex refuses a second writer on one thread, but only among processes that
 * share its `thread-writer-locks` dir: with sessions shared across accounts,
 * that dir must be shared too, or A and B would write one rollout at once.
 */
test("while account A's codex writes a session, account B cannot resume it concurrently", async () => {
  const { codexIn } = await twoAccountWorld();
  const first = await codexIn("a", ["start a thread"]);
  const sessionId = /session id: ([0-9a-f-]{36})/.exec(first.stdout + first.stderr)?.[1] ?? "";
  assert.ok(sessionId, first.stderr);
  const holding = codexIn("a", ["resume", sessionId, "HOLD the session"]);
  await waitUntil(() => proxy.turns.some((t) => t.body.includes("HOLD the session")), {
    timeoutMs: 60_000,
    intervalMs: 50,
    describe: () => `${proxy.turns.length} turns reached the proxy, none holding the session`,
  });
  const concurrent = await codexIn("b", ["resume", sessionId, "me too"]);
  assert.notEqual(concurrent.code, 0);
  assert.match(concurrent.stderr, /already has an active writer/);
  assert.equal((await holding).code, 0);
});
