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

test("the picker shows each account as the dashboard's row, with key hints; j/k move, Enter picks", async () => {
  const w = await worldWithAccounts(["alpha", "beta", "gamma"]);
  const now = Date.now();
  const status = {
    beta: {
      rateLimits: {
        observedAtMs: now,
        primary: { usedPercent: 80, windowMinutes: 300, resetsAtMs: now + 2 * 3600_000 + 60_000 },
        secondary: { usedPercent: 30, windowMinutes: 10080, resetsAtMs: now + 3 * 86400_000 },
      },
    },
    gamma: { cooldownUntilMs: now + 45 * 60_000, consecutiveFailures: 2 },
  };
  fs.writeFileSync(path.join(w.dataDir, "account_status.json"), JSON.stringify({ statuses: status }));
  const pty = runInPty(`${process.execPath} ${caoBin} switch`, w.env);
  await pty.waitFor("q or Esc cancels");
  const screen = pty.output();
  for (const expected of [
    /ACCOUNT\s+LOGIN\s+5-HOUR USE\s+RESETS\s+WEEKLY USE\s+RESETS\s+COOLDOWN\s+FAILS/,
    /›\s+\* alpha\s+not-logged-in/, // the cursor starts on the default
    /beta\s+not-logged-in\s+█{8}░{2}\s+80%\s+2h( \d+m)?\s+█{3}░{7}\s+30%\s+3d/,
    /gamma\s+not-logged-in\s+·{10}\s+\?\s+·{10}\s+\?\s+4\dm\s+2/,
    /↑\/↓ or j\/k move · Enter makes it the default · q or Esc cancels/,
  ]) {
    assert.match(screen, expected);
  }
  pty.write("j");
  pty.write("j");
  pty.write("k");
  pty.write("\r");
  assert.equal(await pty.exit, 0, pty.output());
  assert.equal(defaultOf(w.dataDir), "beta", pty.output());
});

for (const [key, name] of [
  ["q", "q"],
  ["\u001b", "Esc"],
] as const) {
  test(`${name} in the picker changes nothing and exits 130`, async () => {
    const w = await worldWithAccounts(["alpha", "beta"]);
    const pty = runInPty(`${process.execPath} ${caoBin} switch`, w.env);
    await pty.waitFor("q or Esc cancels");
    pty.write("j");
    pty.write(key);
    assert.equal(await pty.exit, 130, pty.output());
    assert.match(pty.output(), /nothing changed/);
    assert.equal(defaultOf(w.dataDir), "alpha");
  });
}
