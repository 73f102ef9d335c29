import assert from "node:assert/strict";
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
