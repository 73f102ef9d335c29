import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { caoBin, runCao } from "../helpers/cli.js";
import { runInPty } from "../helpers/pty.js";
import { tempWorld } from "../helpers/temp.js";

const DOWN = "\u001b[B";

async function worldWithAccounts(names: string[]) {
  const w = tempWorld();
  for (const name of names) assert.equal((await runCao(["add", name, "--no-login"], { env: w.env })).code, 0);
  return w;
}

const defaultOf = (dataDir: string) =>
  JSON.parse(fs.readFileSync(path.join(dataDir, "registry.json"), "utf8")).default_account;

test("cao switch on a terminal picks the default from a list", async () => {
  const w = await worldWithAccounts(["alpha", "beta", "gamma"]);
  const pty = runInPty(`${process.execPath} ${caoBin} switch`, w.env);
  await pty.waitFor("gamma");
  pty.write(DOWN);
  pty.write(DOWN);
  pty.write("\r");
  assert.equal(await pty.exit, 0, pty.output());
  assert.match(pty.output(), /default account set to gamma/);
  assert.equal(defaultOf(w.dataDir), "gamma");
  assert.equal(fs.readFileSync(path.join(w.dataDir, ".state", "default"), "utf8"), "gamma\n");
});

test("cao switch cancelled with Ctrl-C changes nothing and exits 130", async () => {
  const w = await worldWithAccounts(["alpha", "beta"]);
  const pty = runInPty(`${process.execPath} ${caoBin} switch`, w.env);
  await pty.waitFor("beta");
  pty.write(DOWN);
  pty.write("\u0003");
  assert.equal(await pty.exit, 130, pty.output());
  assert.match(pty.output(), /nothing changed/);
  assert.equal(defaultOf(w.dataDir), "alpha");
});

test("cao switch without a terminal needs a name", async () => {
  const w = await worldWithAccounts(["alpha", "beta"]);
  const r = await runCao(["switch"], { env: w.env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /needs a terminal/);
  assert.equal(defaultOf(w.dataDir), "alpha");
  const named = await runCao(["switch", "beta"], { env: w.env });
  assert.equal(named.code, 0, named.stderr);
  assert.equal(defaultOf(w.dataDir), "beta");
  const unknown = await runCao(["switch", "nope"], { env: w.env });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown account "nope"/);
});
