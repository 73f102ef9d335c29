import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { waitUntil } from "../helpers/deadline.js";
import { fakeCodexWorld, standInGateway } from "./run-fake-codex.js";

const HOUR = 3600_000;
/**
 * `actual` lies between what it would be for the earliest and the latest moment the run could have
 * set it (a second's rounding allowed): a bound that holds however slow the machine is.
 */
const between = (actual: number | undefined, earliest: number, latest: number) =>
  assert.ok(
    actual !== undefined && actual >= earliest - 1000 && actual <= latest + 1000,
    `${actual} is not between ${earliest} and ${latest}`,
  );
const accountsCalled = (world: ReturnType<typeof fakeCodexWorld>) => world.calls().map((c) => c.account);

test("codex args after -- arrive untouched, in the account's home, without CODEX_API_KEY", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  const args = ["--help", "-m", "x", "--account", "y", "--max-passes", "0", "--no-fallback", "--", "z", ""];
  const result = await world.cao(["run", "--account", "b", "--", ...args]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "", "a plain successful run adds no output of its own");
  const [call] = world.calls();
  assert.deepEqual(call?.argv, args);
  assert.equal(call?.account, "b");
  assert.deepEqual(call?.env, {
    CODEX_HOME: path.join(world.dataDir, "b"),
    CODEX_SQLITE_HOME: world.codexHome,
    CODEX_API_KEY: null,
  });
  assert.deepEqual(call?.tty, [false, false, false]);
  assert.ok(
    fs.lstatSync(path.join(world.dataDir, "b", "sessions")).isSymbolicLink(),
    "home was set up first",
  );
  const status = world.statuses().b;
  assert.ok(status?.lastAttemptAtMs && status.lastSuccessAtMs, JSON.stringify(status));
  assert.equal(status?.consecutiveFailures, 0);
  assert.equal(status?.rateLimits?.primary?.usedPercent, 42, "usage recorded from the rollout");
});

test("an account home already set up is reused; a newer main config is synced into it", async () => {
  const world = fakeCodexWorld(["a"]);
  const accountConfig = path.join(world.dataDir, "a", "config.toml");
  assert.equal((await world.cao(["run", "--", "exec"])).code, 0);
  assert.doesNotMatch(fs.readFileSync(accountConfig, "utf8"), /model_reasoning_effort/);
  fs.mkdirSync(world.codexHome, { recursive: true });
  fs.writeFileSync(path.join(world.codexHome, "config.toml"), 'model_reasoning_effort = "high"\n');
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(world.codexHome, "config.toml"), later, later);
  assert.equal((await world.cao(["run", "--", "exec"])).code, 0);
  const synced = fs.readFileSync(accountConfig, "utf8");
  assert.match(synced, /model_reasoning_effort = "high"/);
  assert.match(synced, /forced_login_method = "chatgpt"/);
});

test("codex's own exit status is cao's; an ordinary failure does not switch accounts", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({ a: [{ rollout: "ok", exit: 7 }] });
  const result = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(result.code, 7);
  assert.deepEqual(accountsCalled(world), ["a"]);
  assert.equal(world.statuses().a?.consecutiveFailures, 1);
  assert.equal(world.statuses().a?.lastError, "codex exited with status 7");
});

test("a usage limit in the rollout switches to the next account and records the reset", async () => {
  const world = fakeCodexWorld(["a", "b", "c"], "b");
  // Exit 0 and no stderr message, as after an interactive session: the rollout alone tells.
  world.script({
    b: [{ rollout: "quota", resetsInS: 5400 }],
    a: [{ rollout: "ok", stdout: ["answer from a"] }],
  });
  const startedAt = Date.now();
  const result = await world.cao(["run", "--", "exec", "hi"], { env: { ...world.env, CAO_ACCOUNT: "b" } });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /answer from a/);
  assert.deepEqual(accountsCalled(world), ["b", "a"], "the shell's account first, then registry order");
  assert.match(result.stderr, /b hit its usage limit \(resets .+\)/);
  assert.match(result.stderr, /continuing session \S+ on a/);
  const b = world.statuses().b;
  between(b?.cooldownUntilMs, startedAt + 5400_000, Date.now() + 5400_000);
  between(b?.lastQuotaAtMs, startedAt, Date.now());
  assert.equal(b?.rateLimits?.primary?.usedPercent, 100);
  assert.equal(b?.rateLimits?.secondary?.usedPercent, 50);
  assert.match(b?.lastError ?? "", /^You’ve hit your usage limit/);
  assert.ok(world.statuses().a?.lastSuccessAtMs);
});

test("without a rollout, Codex's own ERROR line on stderr (and its failure) is the signal", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  const line =
    "ERROR: You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at Nov 23rd, 2099 6:28 PM.";
  world.script({ a: [{ stderr: [line], exit: 1 }] });
  const result = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(accountsCalled(world), ["a", "b"]);
  assert.ok(result.stderr.includes(line), "codex's stderr passes through");
  assert.equal(world.statuses().a?.cooldownUntilMs, new Date(2099, 10, 23, 18, 29).getTime());
});

test("quota words do not switch: the same line with exit 0, or a rollout that says the turn succeeded", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  const line = "ERROR: You’ve hit your usage limit. Try again at 6:51 PM.";
  world.script({
    a: [
      { stderr: [line, "Quota exceeded.", "usage limit exceeded"], stdout: ["quota exceeded"], exit: 0 },
      { rollout: "ok", header: true, stderr: [line], exit: 1 },
    ],
  });
  const first = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(first.code, 0, first.stderr);
  const second = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(second.code, 1, "the rollout (turn completed) outranks the stderr line");
  assert.deepEqual(accountsCalled(world), ["a", "a"]);
  assert.equal(world.statuses().a?.cooldownUntilMs, undefined);
});

test("the plan message (usage_not_included) moves on and cools the account for a default hour", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({ a: [{ rollout: "plan", exit: 1 }] });
  const startedAt = Date.now();
  const result = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /a has no Codex in its plan/);
  between(world.statuses().a?.cooldownUntilMs, startedAt + HOUR, Date.now() + HOUR);
});

test("cooling-down accounts are skipped untried; accounts needing a login are skipped with a note", async () => {
  const world = fakeCodexWorld(["a", "b", "c"]);
  world.setStatuses({
    a: { cooldownUntilMs: Date.now() + HOUR },
    b: { authProblem: "refresh_token_reused" },
  });
  const result = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(accountsCalled(world), ["c"]);
  assert.match(result.stderr, /skipping a: out of quota until /);
  assert.match(result.stderr, /skipping b: it needs a new login \(refresh_token_reused\)/);
});

test("all out of quota: one try each, then exit 75 naming the earliest reset", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({ a: [{ rollout: "quota", resetsInS: 7200 }], b: [{ rollout: "quota", resetsInS: 3600 }] });
  const result = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(result.code, 75, result.stderr);
  assert.deepEqual(accountsCalled(world), ["a", "b"], "pass 2 skips accounts still cooling down");
  assert.doesNotMatch(result.stderr, /pass 2 of 2/, "no pass (or wait) when no account can be ready by then");
  const resetB = new Date(world.statuses().b?.cooldownUntilMs ?? 0);
  const hhmm = resetB.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" });
  assert.ok(
    // A reset past midnight carries its date ("Dec 4, 12:30 AM"): CI runs at any hour.
    new RegExp(
      `every account is out of quota; the earliest reset is b at (?:[A-Z][a-z]{2} \\d{1,2}, )?${hhmm}`,
    ).test(result.stderr),
    result.stderr,
  );
});

test("--max-passes/--retry-delay: a later pass retries an account whose reset has come", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({
    a: [{ rollout: "quota", resetsInS: 1 }, { rollout: "ok" }],
    b: [{ rollout: "quota", resetsInS: 3600 }],
  });
  const result = await world.cao(["run", "--max-passes", "2", "--retry-delay", "1.5", "--", "exec", "hi"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(accountsCalled(world), ["a", "b", "a"]);
  assert.match(result.stderr, /pass 2 of 2 in 1\.5 s/);
});

test("--no-fallback: only the chosen account; its usage limit ends the run with 75", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({ b: [{ rollout: "quota" }] });
  const result = await world.cao(["run", "--account", "b", "--no-fallback", "--", "exec", "hi"]);
  assert.equal(result.code, 75, result.stderr);
  assert.deepEqual(accountsCalled(world), ["b"]);
  assert.match(result.stderr, /b is out of quota; the earliest reset is b at/);
});

test("another account's concurrent session is not this run's; disagreeing sessions of this account are ambiguous", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({ a: [{ rollout: "ok", alsoRollout: { rollout: "quota", creator: "acct-zzz" } }] });
  const first = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(accountsCalled(world), ["a"]);
  assert.doesNotMatch(first.stderr, /disagree/, "the other account's session was not a candidate");
  assert.equal(world.statuses().a?.rateLimits?.primary?.usedPercent, 42, "this run's own session was read");

  const other = fakeCodexWorld(["a", "b"]);
  other.script({ a: [{ rollout: "ok", alsoRollout: { rollout: "quota", creator: "acct-a" } }] });
  const second = await other.cao(["run", "--", "exec", "hi"]);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(accountsCalled(other), ["a"]);
  assert.match(second.stderr, /2 codex sessions were written to during this run and disagree/);
});

test("a resumed older session is found by the id in codex's header, wherever its file is", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  // No stderr message and an old day directory: only the header's session id leads to the evidence.
  world.script({ a: [{ rollout: "quota", header: true, dayDir: "2020/01/01", exit: 1 }] });
  const result = await world.cao(["run", "--", "exec", "resume", "--last", "go on"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(accountsCalled(world), ["a", "b"]);
  assert.ok(world.statuses().a?.cooldownUntilMs);
});

test("interrupted (130) after a usage limit: the account is marked, nothing else is started", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({ a: [{ rollout: "quota", exit: 130 }] });
  const result = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(result.code, 130);
  assert.deepEqual(accountsCalled(world), ["a"]);
  assert.ok(world.statuses().a?.cooldownUntilMs);
});

test("SIGTERM to cao reaches codex; cao exits with codex's status", async () => {
  const world = fakeCodexWorld(["a"]);
  world.script({ a: [{ stdout: ["started"], waitFor: path.join(world.root, "never") }] });
  const { spawn } = await import("node:child_process");
  const { caoBin } = await import("../helpers/cli.js");
  const child = spawn(process.execPath, [caoBin, "run", "--", "exec", "hi"], {
    env: world.env,
    cwd: world.root,
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c;
  });
  await waitUntil(() => out.includes("started"), {
    timeoutMs: 20_000,
    describe: () => `stdout ${JSON.stringify(out)}`,
  });
  child.kill("SIGTERM");
  const code = await new Promise((r) => child.on("close", (c) => r(c)));
  assert.equal(code, 143, "128 + SIGTERM: codex was terminated by the relayed signal");
  assert.equal(world.statuses().a?.consecutiveFailures, 1);
});

test("codex output streams live (nothing is held until codex exits)", async () => {
  const world = fakeCodexWorld(["a"]);
  const release = path.join(world.root, "release");
  world.script({ a: [{ rollout: "ok", stdout: ["out-now"], stderr: ["err-now"], waitFor: release }] });
  const { spawn } = await import("node:child_process");
  const { caoBin } = await import("../helpers/cli.js");
  const child = spawn(process.execPath, [caoBin, "run", "--", "exec", "hi"], {
    env: world.env,
    cwd: world.root,
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c;
  });
  child.stderr.on("data", (c: Buffer) => {
    err += c;
  });
  await waitUntil(() => out.includes("out-now") && err.includes("err-now"), {
    timeoutMs: 20_000,
    describe: () => `before exit: stdout ${JSON.stringify(out)}, stderr ${JSON.stringify(err)}`,
  });
  assert.equal(child.exitCode, null, "codex is still running");
  fs.writeFileSync(release, "");
  const code = await new Promise((r) => child.on("close", r));
  assert.equal(code, 0);
});

test("bad input: clear one-line errors and documented exit codes", async () => {
  const world = fakeCodexWorld(["a"]);
  const cases: Array<[string[], number, RegExp]> = [
    [["run", "--max-passes", "0"], 2, /--max-passes must be a whole number of at least 1, not "0"/],
    [["run", "--max-passes", "x"], 2, /--max-passes must be a whole number/],
    [["run", "--retry-delay", "-1"], 2, /--retry-delay must be a number of seconds/],
    [["run", "--retry-delay", "soon"], 2, /--retry-delay must be a number of seconds/],
    [["run", "--account", "nobody"], 2, /unknown account "nobody"/],
    [["run", "--account", "../x"], 2, /invalid account name/],
    [["run", "exec", "hi"], 2, /unexpected argument "exec"/],
    [["run", "--bogus"], 2, /unknown option --bogus/],
    [["run", "--gateway", "--account", "a"], 2, /--gateway cannot be combined with --account/],
    [
      ["run", "--codex", "/nonexistent/codex"],
      4,
      /codex binary "\/nonexistent\/codex" is not an executable file/,
    ],
    [["run", "--gateway"], 1, /the gateway is not running/],
  ];
  for (const [args, code, pattern] of cases) {
    const result = await world.cao(args);
    assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, pattern);
  }
  const broken = path.join(world.root, "broken-codex");
  fs.writeFileSync(broken, "#!/nonexistent/interpreter\n", { mode: 0o755 });
  const unstartable = await world.cao(["run", "--codex", broken, "--", "exec"]);
  assert.equal(unstartable.code, 4, unstartable.stderr);
  assert.match(unstartable.stderr, /could not start codex \(.*broken-codex\): spawn .* ENOENT/);
  assert.deepEqual(world.calls(), [], "codex never ran");
  const empty = fakeCodexWorld([]);
  const none = await empty.cao(["run"]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no accounts yet/);
  const pinned = await world.cao(["run"], { env: { ...world.env, CAO_ACCOUNT: "ghost" } });
  assert.equal(pinned.code, 2);
  assert.match(pinned.stderr, /account "ghost" \(from \$CAO_ACCOUNT\) is not registered/);
});

test("--gateway: codex runs once in the gateway account's home, routed with -c openai_base_url", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  const stateDir = path.join(world.dataDir, ".state");
  fs.mkdirSync(stateDir, { recursive: true });
  const url = await standInGateway(world.dataDir);
  fs.writeFileSync(path.join(stateDir, "gateway"), `${process.pid} ${url} b\n`);
  world.script({ b: [{ exit: 3 }] });
  const result = await world.cao(["run", "--gateway", "--", "exec", "--help"]);
  assert.equal(result.code, 3, result.stderr);
  const calls = world.calls();
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]?.argv, ["-c", `openai_base_url="${url}"`, "exec", "--help"]);
  assert.equal(calls[0]?.account, "b");
});

test("on a terminal codex gets the terminal itself (no pipes) and the rollout still tells a usage limit", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({
    a: [{ rollout: "quota", stderr: ["no one reads this"] }],
    b: [{ rollout: "ok", stdout: ["from b"] }],
  });
  const { caoBin, runProcess } = await import("../helpers/cli.js");
  const command = [process.execPath, caoBin, "run", "--", "resume", "--last"].map((w) => `'${w}'`).join(" ");
  // script(1) runs the command on a fresh pseudo-terminal.
  const result = await runProcess("script", ["-qec", command, "/dev/null"], {
    env: world.env,
    cwd: world.root,
  });
  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout, /from b/);
  assert.deepEqual(
    world.calls().map((c) => [c.account, c.tty]),
    [
      ["a", [true, true, true]],
      ["b", [true, true, true]],
    ],
  );
  assert.ok(world.statuses().a?.cooldownUntilMs);
});

test("cao.toml: a paused account and one keeping its reserve are skipped, with the reason; priority orders the rest", async () => {
  const world = fakeCodexWorld(["a", "b", "c", "d"]);
  fs.writeFileSync(
    path.join(world.dataDir, "cao.toml"),
    "[accounts.a]\npaused = true\n[accounts.b]\nmax-5h = 80\n[accounts.c]\npriority = -5\n",
  );
  const soon = Date.now() + HOUR;
  world.setStatuses({
    b: { rateLimits: { observedAtMs: Date.now(), primary: { usedPercent: 81, resetsAtMs: soon } } },
  });
  const result = await world.cao(["run", "--", "exec", "hi"]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(accountsCalled(world), ["d"], "d (priority 0) before c (priority -5)");
  assert.match(result.stderr, /skipping a: paused/);
  assert.match(result.stderr, /skipping b: keeping its 5-hour reserve \(81% used, cap 80%\)/);

  fs.writeFileSync(path.join(world.dataDir, "cao.toml"), "[accounts.a]\npaused = true\n");
  const only = await world.cao(["run", "--account", "a", "--no-fallback", "--", "exec", "hi"]);
  assert.equal(only.code, 1, only.stderr);
  assert.match(only.stderr, /no account may run codex: a is paused/);
});

test("the sessions record: one cao run is one session, each attempt a turn, the move with its reason", async () => {
  const world = fakeCodexWorld(["a", "b"]);
  world.script({
    a: [{ rollout: "quota", resetsInS: 600, header: true }],
    b: [{ rollout: "ok", header: true, exit: 0 }],
  });
  assert.equal((await world.cao(["run", "--", "exec", "hi"])).code, 0);
  const listed = await world.cao(["sessions", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  const [session] = JSON.parse(listed.stdout);
  assert.equal(session.source, "run");
  assert.deepEqual(
    session.turns.map((t: { account: string; exitCode: number; transport: string }) => [
      t.account,
      t.transport,
    ]),
    [
      ["a", "run"],
      ["b", "run"],
    ],
  );
  assert.ok(
    session.turns.every((t: { id: string | null }) => typeof t.id === "string"),
    "codex's session ids",
  );
  assert.deepEqual(
    session.moves.map((m: { from: string; to: string; reason: string }) => [m.from, m.to, m.reason]),
    [["a", "b", "usage limit"]],
  );
});
