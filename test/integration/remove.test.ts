import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { caoBin, runCao } from "../helpers/cli.js";
import { runInPty } from "../helpers/pty.js";
import { tempWorld } from "../helpers/temp.js";

async function setup(names: string[]) {
  const w = tempWorld();
  for (const name of names) assert.equal((await runCao(["add", name, "--no-login"], { env: w.env })).code, 0);
  for (const name of names) {
    fs.writeFileSync(path.join(w.dataDir, name, "auth.json"), `{"tokens":{"refresh_token":"rt-${name}"}}`, {
      mode: 0o600,
    });
  }
  // A status entry and a usage state file, as a run would have left them.
  const statuses = Object.fromEntries(names.map((n) => [n, { consecutiveFailures: 1 }]));
  fs.writeFileSync(path.join(w.dataDir, "account_status.json"), JSON.stringify({ statuses }));
  fs.mkdirSync(path.join(w.dataDir, ".state", "usage"), { recursive: true });
  for (const name of names) fs.writeFileSync(path.join(w.dataDir, ".state", "usage", name), "1 - - -\n");
  return w;
}

const registryOf = (dataDir: string) =>
  JSON.parse(fs.readFileSync(path.join(dataDir, "registry.json"), "utf8"));
const statusesOf = (dataDir: string) =>
  JSON.parse(fs.readFileSync(path.join(dataDir, "account_status.json"), "utf8")).statuses;

test("cao remove --yes forgets the account everywhere and moves the default to the next one", async () => {
  const w = await setup(["a", "b", "c"]);
  const sharedSessions = path.join(w.codexHome, "sessions");
  fs.writeFileSync(path.join(sharedSessions, "keep.jsonl"), "{}\n");
  const r = await runCao(["remove", "a", "--yes"], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(registryOf(w.dataDir), { default_account: "b", accounts: ["b", "c"] });
  assert.equal(fs.existsSync(path.join(w.dataDir, "a")), false);
  assert.deepEqual(Object.keys(statusesOf(w.dataDir)), ["b", "c"]);
  assert.equal(fs.existsSync(path.join(w.dataDir, ".state", "usage", "a")), false);
  assert.equal(fs.readFileSync(path.join(w.dataDir, ".state", "default"), "utf8"), "b\n");
  // The shared sessions the home linked to are untouched.
  assert.ok(fs.existsSync(path.join(sharedSessions, "keep.jsonl")));
  // Removing the last default in line falls back to the one before it, then to none.
  await runCao(["use", "c"], { env: w.env });
  await runCao(["remove", "c", "-y"], { env: w.env });
  assert.equal(registryOf(w.dataDir).default_account, "b");
  await runCao(["remove", "b", "--yes"], { env: w.env });
  assert.deepEqual(registryOf(w.dataDir), { default_account: null, accounts: [] });
  assert.equal(fs.readFileSync(path.join(w.dataDir, ".state", "default"), "utf8"), "\n");
});

test("cao remove --keep-files keeps the tokens on disk without asking", async () => {
  const w = await setup(["a", "b"]);
  const r = await runCao(["remove", "b", "--keep-files"], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    fs.readFileSync(path.join(w.dataDir, "b", "auth.json"), "utf8"),
    '{"tokens":{"refresh_token":"rt-b"}}',
  );
  assert.deepEqual(registryOf(w.dataDir).accounts, ["a"]);
  assert.match(r.stderr, /kept its files/);
});

test("cao remove without --yes and without a terminal deletes nothing", async () => {
  const w = await setup(["a"]);
  const r = await runCao(["remove", "a"], { env: w.env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--yes/);
  assert.ok(fs.existsSync(path.join(w.dataDir, "a", "auth.json")));
  assert.deepEqual(registryOf(w.dataDir).accounts, ["a"]);
  assert.equal(statusesOf(w.dataDir).a.consecutiveFailures, 1);
});

test("cao remove of an unknown or invalid name fails before asking", async () => {
  const w = await setup(["a"]);
  for (const name of ["nope", "../a"]) {
    const r = await runCao(["remove", name, "--yes"], { env: w.env });
    assert.equal(r.code, 2, r.stderr);
  }
  assert.deepEqual(registryOf(w.dataDir).accounts, ["a"]);
});

test("cao remove asks on a terminal: no keeps everything (exit 0), Ctrl-C exits 130, yes deletes", async () => {
  const w = await setup(["a", "b"]);
  const no = runInPty(`${process.execPath} ${caoBin} remove a`, w.env);
  await no.waitFor("Delete account a");
  no.write("\r"); // the answer starts at No
  assert.equal(await no.exit, 0, no.output());
  assert.match(no.output(), /a not removed/);
  assert.ok(fs.existsSync(path.join(w.dataDir, "a", "auth.json")));
  assert.deepEqual(registryOf(w.dataDir).accounts, ["a", "b"]);
  const interrupted = runInPty(`${process.execPath} ${caoBin} remove a`, w.env);
  await interrupted.waitFor("Delete account a");
  interrupted.write("\u0003");
  assert.equal(await interrupted.exit, 130, interrupted.output());
  assert.deepEqual(registryOf(w.dataDir).accounts, ["a", "b"]);
  const yes = runInPty(`${process.execPath} ${caoBin} remove a`, w.env);
  await yes.waitFor("Delete account a");
  yes.write("\u001b[D"); // left arrow: Yes
  yes.write("\r");
  assert.equal(await yes.exit, 0, yes.output());
  assert.equal(fs.existsSync(path.join(w.dataDir, "a")), false);
  assert.deepEqual(registryOf(w.dataDir).accounts, ["b"]);
});

test("cao remove a b --yes removes both (all checked first: an unknown name removes nothing)", async () => {
  const w = await setup(["a", "b", "c"]);
  const unknown = await runCao(["remove", "a", "nope", "--yes"], { env: w.env });
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.deepEqual(registryOf(w.dataDir).accounts, ["a", "b", "c"], "nothing removed");
  const both = await runCao(["remove", "a", "b", "--yes"], { env: w.env });
  assert.equal(both.code, 0, both.stderr);
  assert.deepEqual(registryOf(w.dataDir).accounts, ["c"]);
  assert.equal(fs.existsSync(path.join(w.dataDir, "b")), false);
});

test("a reserved account name: add refuses it; an old data dir holding one is reported and recoverable", async () => {
  const w = await setup(["good"]);
  const add = await runCao(["add", "gateway.log", "--no-login"], { env: w.env });
  assert.equal(add.code, 2, add.stderr);
  assert.match(add.stderr, /reserved for cao's own files/);
  // A data dir from before the rule: the account's home sits where cao's log belongs.
  const registry = registryOf(w.dataDir);
  registry.accounts.push("gateway.log");
  fs.writeFileSync(path.join(w.dataDir, "registry.json"), JSON.stringify(registry));
  fs.mkdirSync(path.join(w.dataDir, "gateway.log"), { mode: 0o700 });
  fs.writeFileSync(path.join(w.dataDir, "gateway.log", "auth.json"), "{}", { mode: 0o600 });
  const doctor = await runCao(["status", "--doctor", "--json"], { env: w.env });
  const issue = JSON.parse(doctor.stdout).issues.find(
    (i: { code: string }) => i.code === "account-name-reserved",
  );
  assert.equal(issue?.account, "gateway.log", doctor.stdout);
  const removed = await runCao(["remove", "gateway.log", "--yes"], { env: w.env });
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(registryOf(w.dataDir).accounts, ["good"]);
  assert.ok(fs.existsSync(path.join(w.dataDir, "gateway.log", "auth.json")), "the path was left in place");
});
