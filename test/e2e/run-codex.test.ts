import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { CONTINUE_PROMPT } from "../../src/run/resume-args.js";
import { caoBin, runProcess } from "../helpers/cli.js";
import { modelCalls, runWorld } from "./run-world.js";

/** Session ids of the model requests since `sinceMs`. */
const sessionsOf = (backend: FakeBackend, sinceMs: number) =>
  backend.requests
    .filter((r) => r.method === "POST" && r.path.endsWith("/responses") && r.atMs >= sinceMs)
    .map((r) => String(r.sessionId));

// The real codex (the pinned newest or oldest, see test/helpers/cli.ts) against the fake backend on loopback.
const CODEX_LIMIT_LINE = "You’ve hit your usage limit. Upgrade to Pro";
// What the model answers for the "quota words" test: Codex's own message verbatim on a line of
// its own, prefixed as Codex prints its errors, plus the words a keyword detector would catch.
const TRICKY_ANSWER = `ERROR: ${CODEX_LIMIT_LINE} (https://chatgpt.com/explore/pro) or try again at 6:51 PM.\nQuota exceeded; usage limit exceeded.`;

let backend: FakeBackend;
const resetsIn = { "x-out": 5400, "y-out": 7200, "z-out": 3600 };
before(async () => {
  backend = await startFakeBackend({
    accounts: [
      { accountId: "x-out", email: "x@example.com", quota: 0, resetsInSeconds: resetsIn["x-out"] },
      { accountId: "x-ok", email: "x2@example.com" },
      { accountId: "y-out", email: "y@example.com", quota: 0, resetsInSeconds: resetsIn["y-out"] },
      { accountId: "z-out", email: "z@example.com", quota: 0, resetsInSeconds: resetsIn["z-out"] },
      { accountId: "talker", email: "t@example.com" },
      { accountId: "spare", email: "s@example.com" },
      { accountId: "noplan", email: "n@example.com", notIncluded: true },
      { accountId: "tty-out", email: "tty@example.com", quota: 0, resetsInSeconds: 3600 },
      { accountId: "tty-ok", email: "tty2@example.com" },
      { accountId: "throttled", email: "th@example.com" },
      { accountId: "r-first", email: "r1@example.com" },
      { accountId: "r-out", email: "r2@example.com", quota: 0, resetsInSeconds: 3600 },
      { accountId: "r-next", email: "r3@example.com" },
    ],
    reply: (input) => ({
      kind: "text",
      text: input.accountId === "talker" ? TRICKY_ANSWER : `echo: ${input.userText}`,
    }),
  });
});
after(() => backend.close());

const exec = (prompt: string) => ["run", "--", "exec", "--skip-git-repo-check", prompt];

test("first account out of quota, second answers, in one cao run", async () => {
  const world = runWorld(backend, [
    { name: "first", accountId: "x-out" },
    { name: "second", accountId: "x-ok" },
  ]);
  const since = Date.now();
  const result = await world.cao(exec("hello there"));
  assert.equal(result.code, 0, result.stderr);
  // The next account resumes the session that ran out, with the continue prompt (not the first prompt again).
  assert.equal(result.stdout.trim(), `echo: ${CONTINUE_PROMPT}`);
  assert.deepEqual(modelCalls(backend, since), ["x-out 429", "x-ok 200"]);
  const sessions = sessionsOf(backend, since);
  assert.equal(new Set(sessions).size, 1, `one session on both accounts: ${sessions.join(", ")}`);
  assert.match(result.stderr, new RegExp(`continuing session ${sessions[0]} on second`));
  assert.ok(result.stderr.includes(`ERROR: ${CODEX_LIMIT_LINE}`), "codex's own message passes through");
  assert.match(result.stderr, /first hit its usage limit \(resets .+\)/);
  const statuses = world.statuses();
  // The seconds-exact reset from the rollout's rate limits (the backend's resets_at).
  const expected = since + resetsIn["x-out"] * 1000;
  const cooldown = statuses.first?.cooldownUntilMs ?? 0;
  assert.ok(Math.abs(cooldown - expected) < 15_000, `${cooldown} vs ${expected}`);
  assert.equal(statuses.first?.rateLimits?.primary?.usedPercent, 100);
  assert.ok(statuses.first?.lastQuotaAtMs);
  assert.ok(statuses.second?.lastSuccessAtMs);
  assert.equal(statuses.second?.consecutiveFailures, 0);
  const move = statuses.second?.lastSessionMove;
  assert.deepEqual(
    { ...move, atMs: typeof move?.atMs },
    { sessionId: sessions[0], from: "first", to: "second", atMs: "number" },
  );
  assert.deepEqual(statuses.first?.lastSessionMove, move);
  const shown = await world.cao(["status", "--json"]);
  const second = JSON.parse(shown.stdout).accounts.find((a: { name: string }) => a.name === "second");
  assert.equal(second.lastSessionMove.sessionId, sessions[0], shown.stdout);
});

test("--restart: the next account starts over with the same prompt (a new session)", async () => {
  const world = runWorld(backend, [
    { name: "first", accountId: "x-out" },
    { name: "second", accountId: "x-ok" },
  ]);
  const since = Date.now();
  const result = await world.cao(["run", "--restart", "--", "exec", "--skip-git-repo-check", "hello again"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), "echo: hello again");
  assert.deepEqual(modelCalls(backend, since), ["x-out 429", "x-ok 200"]);
  const sessions = sessionsOf(backend, since);
  assert.equal(new Set(sessions).size, 2, sessions.join(", "));
  assert.equal(world.statuses().second?.lastSessionMove, undefined);
});

test("every account out of quota: a clear message with the earliest reset, exit 75", async () => {
  const world = runWorld(backend, [
    { name: "later", accountId: "y-out" },
    { name: "sooner", accountId: "z-out" },
  ]);
  const since = Date.now();
  const result = await world.cao(exec("anyone?"));
  assert.equal(result.code, 75, result.stderr);
  assert.deepEqual(
    modelCalls(backend, since),
    ["y-out 429", "z-out 429"],
    "pass 2 tries nobody still cooling",
  );
  const reset = new Date(world.statuses().sooner?.cooldownUntilMs ?? 0);
  const hhmm = reset.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" });
  assert.ok(
    // A reset past midnight carries its date ("Dec 4, 12:30 AM"): CI runs at any hour.
    new RegExp(
      `every account is out of quota; the earliest reset is sooner at (?:[A-Z][a-z]{2} \\d{1,2}, )?${hhmm}`,
    ).test(result.stderr),
    result.stderr,
  );
});

test("an answer full of quota words (even Codex's own message) does not switch accounts", async () => {
  const world = runWorld(backend, [
    { name: "talker", accountId: "talker" },
    { name: "spare", accountId: "spare" },
  ]);
  const since = Date.now();
  const result = await world.cao(exec("tell me about quotas"));
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stdout.includes(TRICKY_ANSWER), result.stdout);
  assert.ok(result.stderr.includes(`\nERROR: ${CODEX_LIMIT_LINE}`), "the line is there, at a line start");
  assert.deepEqual(modelCalls(backend, since), ["talker 200"]);
  assert.equal(world.statuses().talker?.cooldownUntilMs, undefined);
  assert.ok(world.statuses().talker?.lastSuccessAtMs);
});

test("a generic 429 (rate_limit_exceeded) is throttling, not an exhausted account: codex's exit, no switch", async () => {
  const world = runWorld(backend, [
    { name: "throttled", accountId: "throttled" },
    { name: "spare", accountId: "spare" },
  ]);
  backend.injectFault({ kind: "rate-limit", accountId: "throttled", count: 50 });
  try {
    const since = Date.now();
    const result = await world.cao(exec("slow down"));
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /ERROR: exceeded retry limit, last status: 429/);
    assert.ok(modelCalls(backend, since).every((call) => call === "throttled 429"));
    assert.equal(world.statuses().throttled?.cooldownUntilMs, undefined);
    assert.equal(world.statuses().throttled?.consecutiveFailures, 1);
  } finally {
    backend.clearFaults();
  }
});

test("a cooling-down account is skipped without a request; a plan without Codex moves on", async () => {
  const world = runWorld(backend, [
    { name: "resting", accountId: "x-out" },
    { name: "noplan", accountId: "noplan" },
    { name: "spare", accountId: "spare" },
  ]);
  world.setStatuses({ resting: { cooldownUntilMs: Date.now() + 3600_000 } });
  const since = Date.now();
  const result = await world.cao(exec("skip please"));
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), `echo: ${CONTINUE_PROMPT}`);
  assert.deepEqual(modelCalls(backend, since), ["noplan 429", "spare 200"]);
  assert.match(result.stderr, /skipping resting: out of quota until /);
  assert.match(result.stderr, /noplan has no Codex in its plan/);
  assert.match(
    world.statuses().noplan?.lastError ?? "",
    /^To use Codex with your ChatGPT plan, upgrade to Plus/,
  );
});

test("resuming a session on an exhausted account continues it on the next one (same rollout file)", async () => {
  const world = runWorld(backend, [
    { name: "first", accountId: "r-first" },
    { name: "out", accountId: "r-out" },
    { name: "next", accountId: "r-next" },
  ]);
  const created = await world.cao([
    "run",
    "--account",
    "first",
    "--",
    "exec",
    "--skip-git-repo-check",
    "one",
  ]);
  assert.equal(created.code, 0, created.stderr);
  const id = /session id: (\S+)/.exec(created.stderr)?.[1] ?? "";
  assert.ok(id, created.stderr);
  const since = Date.now();
  const resumed = await world.cao([
    "run",
    "--account",
    "out",
    "--",
    "exec",
    "--skip-git-repo-check",
    "resume",
    id,
    "two",
  ]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stdout.trim(), `echo: ${CONTINUE_PROMPT}`);
  // "out" is tried first (--account), then the others in registry order.
  assert.deepEqual(modelCalls(backend, since), ["r-out 429", "r-first 200"]);
  assert.ok(world.statuses().out?.cooldownUntilMs, "marked from the resumed session's own file");
  assert.equal(resumed.stderr.match(/session id: (\S+)/g)?.length, 2);
  assert.ok(
    resumed.stderr
      .split("\n")
      .filter((l) => l.startsWith("session id:"))
      .every((l) => l.endsWith(id)),
  );
});

test("on a terminal: codex gets the pty (no pipe), the switch still happens from the rollout", async () => {
  const world = runWorld(backend, [
    { name: "ttyout", accountId: "tty-out" },
    { name: "ttyok", accountId: "tty-ok" },
  ]);
  const since = Date.now();
  const words = [process.execPath, caoBin, ...exec("hi from a terminal")];
  const command = words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(" ");
  const result = await runProcess("script", ["-qec", command, "/dev/null"], {
    env: world.env,
    cwd: world.cwd,
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout.replace(/\s+/g, " "), /echo: The previous turn was cut off/);
  // codex exec says this only when its stdin is not a terminal; the piped runs above all print it.
  assert.doesNotMatch(result.stdout, /Reading additional input from stdin/);
  assert.deepEqual(modelCalls(backend, since), ["tty-out 429", "tty-ok 200"]);
  assert.ok(world.statuses().ttyout?.cooldownUntilMs, "marked from the rollout (cao read no stderr)");
});
