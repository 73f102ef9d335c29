import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { runCao } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

test("cao add of an existing account says so and points to --relogin", async () => {
  const world = tempWorld();
  assert.equal((await runCao(["add", "work", "--no-login"], { env: world.env })).code, 0);
  const again = await runCao(["add", "work", "--no-login"], { env: world.env });
  assert.equal(again.code, 2, again.stderr);
  assert.equal(
    again.stderr,
    'error: account "work" already exists\n  hint: log it in again with `cao add work --relogin`, or see `cao list`\n',
  );
});

test("cao current with no account exits 1 with and without --json", async () => {
  const world = tempWorld();
  const plain = await runCao(["current"], { env: world.env });
  const json = await runCao(["current", "--json"], { env: world.env });
  assert.equal(plain.code, 1, plain.stderr);
  assert.equal(json.code, 1, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), { name: null, source: null });
});

test("with zero accounts every hint says cao add NAME", async () => {
  const world = tempWorld();
  for (const args of [["current"], ["use", "work"], ["run", "--", "exec", "hi"], ["list"]]) {
    const result = await runCao(args, { env: world.env });
    const hints = `${result.stderr}${result.stdout}`.match(/`cao add[^`]*`/g) ?? [];
    assert.ok(hints.length > 0, `${args.join(" ")} gave no cao add hint:\n${result.stderr}`);
    for (const hint of hints)
      assert.match(hint, /^`cao add (NAME|work)`$/, `${args.join(" ")}: ${result.stderr}`);
  }
});

test("the doctor prints installation-wide issues without an account prefix", async () => {
  const world = tempWorld();
  const result = await runCao(["status", "--doctor"], { env: { ...world.env, PATH: "/nonexistent" } });
  assert.match(result.stdout, /^error {3}the codex CLI was not found/m, result.stdout);
  assert.doesNotMatch(result.stdout, / -: /, result.stdout);
});

test("cao use says when a shell choice or a pin still wins here, and when the account has no login", async () => {
  const world = tempWorld();
  for (const name of ["a", "b"]) await runCao(["add", name, "--no-login"], { env: world.env });
  const underShellChoice = await runCao(["use", "b"], { env: { ...world.env, CAO_ACCOUNT: "a" } });
  assert.equal(underShellChoice.code, 0, underShellChoice.stderr);
  assert.match(underShellChoice.stderr, /^warning: this shell still uses a \(`cao use --shell --unset`/m);
  assert.match(underShellChoice.stderr, /^warning: b has no working login yet: `cao add b --relogin`$/m);

  const project = path.join(world.root, "project");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, ".cao-account"), "a\n");
  const underPin = await runCao(["use", "b"], { env: world.env, cwd: project });
  assert.match(
    underPin.stderr,
    /^warning: here codex still uses a, pinned in .*\.cao-account/m,
    underPin.stderr,
  );

  const plain = await runCao(["use", "a"], { env: world.env });
  assert.doesNotMatch(plain.stderr, /still uses/, plain.stderr);
});
