import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { authText, type FixtureLogin } from "../helpers/auth-fixture.js";
import { runCao } from "../helpers/cli.js";
import { fakeCodexDaemon } from "../helpers/fake-daemon.js";
import { tempWorld } from "../helpers/temp.js";

/**
 * An import's --overwrite that replaces an account's login with another user's, while the Codex
 * app-server daemon a TUI left in that home still runs with the previous one (docs/tui.md,
 * "App-server daemons"): the import goes through and says how to stop the daemon, as
 * `cao add --relogin` does. The same user's login (a token rotated since) is no swap: no warning.
 */
const alice: FixtureLogin = { email: "alice@example.com", accountId: "acc-a", refreshToken: "rt-alice-old" };
const aliceRotated: FixtureLogin = { ...alice, refreshToken: "rt-alice-new" };
const bob: FixtureLogin = { email: "bob@example.com", accountId: "acc-b", refreshToken: "rt-bob" };

const refreshTokenOf = (dataDir: string, name: string) =>
  JSON.parse(fs.readFileSync(path.join(dataDir, name, "auth.json"), "utf8")).tokens.refresh_token;
const daemonLines = (stderr: string) =>
  stderr.split("\n").filter((line) => line.includes("app-server daemon"));

/** Account `alice` holding `held`, with a running daemon in its home. */
async function aliceWithDaemon(held: FixtureLogin) {
  const w = tempWorld();
  const add = await runCao(["add", "alice", "--no-login"], { env: w.env });
  assert.equal(add.code, 0, add.stderr);
  const home = path.join(w.dataDir, "alice");
  fs.writeFileSync(path.join(home, "auth.json"), authText(held), { mode: 0o600 });
  const daemon = fakeCodexDaemon(home);
  const warning = `warning: a Codex app-server daemon (pid ${daemon.pid}) still runs in alice's home with the previous login; Codex there fails until it is stopped: CODEX_HOME=${home} codex app-server daemon stop`;
  return { w, warning };
}

/** Each import that can replace a login: where its source goes and how to run it. */
const imports: Record<string, (w: ReturnType<typeof tempWorld>, login: FixtureLogin) => string[]> = {
  "codex-auth": (w, login) => {
    const source = path.join(w.codexHome, "accounts");
    fs.mkdirSync(source, { recursive: true });
    fs.writeFileSync(path.join(source, "alice.json"), authText(login));
    return ["import", "codex-auth", "--source", source, "--overwrite"];
  },
  // The foreign tools share one import (import-foreign.ts); caam stands for them all.
  caam: (w, login) => {
    const vault = path.join(w.home, ".local/share/caam/vault/codex");
    fs.mkdirSync(path.join(vault, "alice"), { recursive: true });
    fs.writeFileSync(path.join(vault, "alice", "auth.json"), authText(login));
    return ["import", "caam", "--source", vault, "--overwrite"];
  },
};

for (const [tool, prepare] of Object.entries(imports)) {
  test(`import ${tool} --overwrite with another user's login warns that alice's daemon holds the previous one`, async () => {
    const { w, warning } = await aliceWithDaemon(bob);
    const r = await runCao(prepare(w, alice), { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(refreshTokenOf(w.dataDir, "alice"), "rt-alice-old", "the login was replaced");
    assert.match(r.stderr, /imported \(its previous login kept at .*\) \(account alice\)/);
    assert.deepEqual(daemonLines(r.stderr), [warning], r.stderr);
  });

  test(`import ${tool} --overwrite with the same user's login (token rotated) does not warn`, async () => {
    const { w } = await aliceWithDaemon(alice);
    const r = await runCao(prepare(w, aliceRotated), { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(refreshTokenOf(w.dataDir, "alice"), "rt-alice-new", "the newer token was imported");
    assert.deepEqual(daemonLines(r.stderr), [], r.stderr);
  });
}
