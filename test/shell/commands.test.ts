import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { renderInit } from "../../src/shell/render.js";
import { parseReport, REAL_SHELLS, run, runShell, shellWorld, sourceInit } from "./world.js";

test("cao use --shell without the shell function explains how to load it (exit 2)", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  const result = await run("cao", ["use", "--shell", "work"], { env: world.env });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /needs cao's shell function/);
  assert.match(result.stderr, /cao init/);
});

test("cao use --shell checks the name before the shell is changed", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  const env = { ...world.env, __CAO_SHELL: "bash" };
  const unknown = await run("cao", ["use", "--shell", "ghost"], { env });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, "");
  assert.match(unknown.stderr, /unknown account "ghost"/);
  const invalid = await run("cao", ["use", "--shell", "../x"], { env });
  assert.equal(invalid.code, 2);
  assert.equal(invalid.stdout, "");
  const ok = await run("cao", ["use", "--shell", "work"], { env: { ...world.env, __CAO_SHELL: "fish" } });
  assert.equal(ok.stdout, "set -gx CAO_ACCOUNT 'work'\n");
});

test("cao pin writes, shows and removes .cao-account; bad names and unknown accounts are refused", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  const dir = path.join(world.root, "project");
  const sub = path.join(dir, "sub");
  fs.mkdirSync(sub, { recursive: true });
  const pin = (args: string[], cwd = dir) => run("cao", ["pin", ...args], { env: world.env, cwd });
  assert.equal((await pin(["ghost"])).code, 2);
  assert.equal((await pin(["-x"])).code, 2);
  assert.equal(fs.existsSync(path.join(dir, ".cao-account")), false);
  assert.equal((await pin(["work"])).code, 0);
  assert.equal(fs.readFileSync(path.join(dir, ".cao-account"), "utf8"), "work\n");
  assert.equal((await pin([], sub)).stdout, `work ${path.join(dir, ".cao-account")}\n`);
  const fromSub = await pin(["--unset"], sub);
  assert.equal(fromSub.code, 0);
  assert.match(fromSub.stderr, /has no \.cao-account; the pin in effect here is/);
  assert.equal((await pin(["--unset"])).code, 0);
  assert.equal(fs.existsSync(path.join(dir, ".cao-account")), false);
});

// The wrappers, shims and resolver run the whole table in account-resolution.test.ts; this is the CLI's side.
test("an invalid .cao-account is an error in `cao current` (exit 2, naming the pin), not skipped", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  const dir = path.join(world.root, "project");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, ".cao-account"), "../../etc\n");
  const current = await run("cao", ["current"], { env: world.env, cwd: dir });
  assert.equal(current.code, 2, current.stderr);
  assert.equal(current.stdout, "");
  assert.match(
    current.stderr,
    /account "\.\.\/\.\.\/etc" \(from .*project\/\.cao-account\) is not a valid account name/,
  );
});

test("autostart: a stopped gateway is started with `cao gateway start --detach`, then used", async () => {
  const world = shellWorld({ accounts: ["work", "pool"], defaultAccount: "work" });
  const state = path.join(world.data, ".state");
  fs.writeFileSync(path.join(state, "gateway-enabled"), "autostart\n");
  // A stand-in cao that records its calls; `gateway start` "starts" a gateway
  // (this test process, alive) unless told to fail.
  const fakeCao = path.join(world.root, "fake cao");
  fs.writeFileSync(
    fakeCao,
    `#!/bin/sh
echo "$*" >>"$CALLS"
if [ "$*" = "gateway start --detach" ] && [ -z "$FAIL_START" ]; then
  echo "$LIVE_PID http://127.0.0.1:9/v1 pool" >"$CAO_HOME/.state/gateway"
fi
`,
    { mode: 0o755 },
  );
  for (const shell of REAL_SHELLS) {
    fs.rmSync(path.join(state, "gateway"), { force: true });
    const calls = path.join(world.root, `calls-${shell}`);
    const init = path.join(world.root, `autostart.${shell}`);
    fs.writeFileSync(init, renderInit(shell, fakeCao, { prompt: "none" }));
    const env = { ...world.env, INIT: init, CALLS: calls, LIVE_PID: String(process.pid) };
    const started = await runShell(shell, `${sourceInit(shell)}; codex hi`, env);
    assert.equal(started.code, 0, started.stderr);
    assert.deepEqual(parseReport(started.stdout).args, [
      "-c",
      'openai_base_url="http://127.0.0.1:9/v1"',
      "hi",
    ]);
    assert.equal(fs.readFileSync(calls, "utf8"), "gateway start --detach\n");

    fs.rmSync(path.join(state, "gateway"));
    const failed = await runShell(shell, `${sourceInit(shell)}; codex hi`, { ...env, FAIL_START: "1" });
    assert.equal(failed.code, 0, failed.stderr);
    assert.deepEqual(parseReport(failed.stdout).args, ["hi"]);
    assert.match(failed.stderr, /cao: the gateway did not start; running codex directly/);
  }
});
