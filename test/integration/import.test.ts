import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { authText } from "../helpers/auth-fixture.js";
import { runCao } from "../helpers/cli.js";
import { filesContaining, tempWorld } from "../helpers/temp.js";

const alice = {
  email: "alice@example.com",
  accountId: "acc-a",
  refreshToken: "rt-alice-old",
  lastRefresh: "2026-01-01T00:00:00Z",
};
const aliceNewer = { ...alice, refreshToken: "rt-alice-new", lastRefresh: "2026-02-01T00:00:00Z" };
const bob = { email: "bob@example.com", accountId: "acc-b", refreshToken: "rt-bob" };

function world() {
  const w = tempWorld();
  const source = path.join(w.codexHome, "accounts");
  fs.mkdirSync(source, { recursive: true });
  return { ...w, source };
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const registryOf = (dataDir: string) => readJson(path.join(dataDir, "registry.json"));
const refreshTokenOf = (dataDir: string, name: string) =>
  readJson(path.join(dataDir, name, "auth.json")).tokens.refresh_token;

describe("cao import codex-auth", () => {
  test("moves each snapshot into an account; no source keeps a usable refresh token", async () => {
    const w = world();
    fs.writeFileSync(path.join(w.source, "alice.json"), authText(alice));
    fs.writeFileSync(path.join(w.source, "bob.json"), authText(bob));
    fs.writeFileSync(path.join(w.source, "broken.json"), '{"tokens": ');
    fs.writeFileSync(path.join(w.source, "-dash.json"), authText({ ...bob, refreshToken: "rt-dash" }));
    fs.writeFileSync(path.join(w.source, "apikey.json"), '{"OPENAI_API_KEY":"sk-x"}');
    fs.writeFileSync(path.join(w.source, "notes.txt"), "not a snapshot");
    fs.writeFileSync(path.join(w.source, ".current"), "bob\n");
    // codex-auth copied alice into the main home, where codex refreshed it since.
    fs.writeFileSync(path.join(w.codexHome, "auth.json"), authText(aliceNewer));

    const r = await runCao(["import", "codex-auth"], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(registryOf(w.dataDir), { default_account: "bob", accounts: ["alice", "bob"] });
    assert.equal(refreshTokenOf(w.dataDir, "alice"), "rt-alice-new", "the newer copy (main home) won");
    assert.equal(refreshTokenOf(w.dataDir, "bob"), "rt-bob");
    for (const name of ["alice", "bob"]) {
      assert.equal(fs.statSync(path.join(w.dataDir, name, "auth.json")).mode & 0o777, 0o600);
      assert.equal(fs.statSync(path.join(w.dataDir, name)).mode & 0o777, 0o700);
    }
    // The only live copies of the imported logins are cao's.
    for (const token of ["rt-alice-old", "rt-alice-new", "rt-bob"]) {
      assert.deepEqual(filesContaining(w.codexHome, token), [], token);
    }
    assert.equal(fs.existsSync(path.join(w.codexHome, "auth.json")), false);
    const retired = readJson(path.join(w.source, "alice.json.moved-to-cao"));
    assert.equal(retired.tokens.refresh_token, undefined);
    assert.equal(retired.tokens.access_token, undefined);
    assert.equal(retired.cao_moved_to, "alice");
    assert.equal(fs.statSync(path.join(w.source, "alice.json.moved-to-cao")).mode & 0o777, 0o600);
    assert.ok(fs.existsSync(path.join(w.codexHome, "auth.json.moved-to-cao")));
    // Invalid snapshots are skipped with a reason and kept byte for byte.
    assert.equal(fs.readFileSync(path.join(w.source, "broken.json"), "utf8"), '{"tokens": ');
    assert.ok(fs.readFileSync(path.join(w.source, "-dash.json"), "utf8").includes("rt-dash"));
    assert.ok(fs.existsSync(path.join(w.source, "apikey.json")));
    assert.match(r.stderr, /broken\.json: skipped: .*not valid JSON/);
    assert.match(r.stderr, /-dash\.json: skipped: .*not a valid account name/);
    assert.match(r.stderr, /apikey\.json: skipped/);
    assert.match(
      r.stderr,
      /\.codex\/auth\.json: imported \(account alice\); source moved to .*without its tokens/,
    );
    // Nothing secret is printed.
    assert.doesNotMatch(r.stdout + r.stderr, /rt-/);
  });

  test("takes the snapshot when it is newer than the main home's copy", async () => {
    const w = world();
    fs.writeFileSync(path.join(w.source, "alice.json"), authText(aliceNewer));
    fs.writeFileSync(path.join(w.codexHome, "auth.json"), authText(alice));
    assert.equal((await runCao(["import", "codex-auth"], { env: w.env })).code, 0);
    assert.equal(refreshTokenOf(w.dataDir, "alice"), "rt-alice-new");
    assert.deepEqual(filesContaining(w.codexHome, "rt-alice"), []);
  });

  test("an account that already has a login is skipped unless --overwrite, which keeps a backup", async () => {
    const w = world();
    await runCao(["add", "alice", "--no-login"], { env: w.env });
    const other = authText({ ...bob, refreshToken: "rt-previous" });
    fs.writeFileSync(path.join(w.dataDir, "alice", "auth.json"), other, { mode: 0o600 });
    fs.writeFileSync(path.join(w.source, "alice.json"), authText(alice));

    const skipped = await runCao(["import", "codex-auth"], { env: w.env });
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stderr, /already has a login \(--overwrite replaces it/);
    assert.equal(refreshTokenOf(w.dataDir, "alice"), "rt-previous");
    assert.ok(
      fs.readFileSync(path.join(w.source, "alice.json"), "utf8").includes("rt-alice-old"),
      "source untouched",
    );

    const replaced = await runCao(["import", "codex-auth", "--overwrite"], { env: w.env });
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(refreshTokenOf(w.dataDir, "alice"), "rt-alice-old");
    const backups = fs
      .readdirSync(path.join(w.dataDir, "alice"))
      .filter((n) => n.startsWith("auth.json.cao-backup-"));
    assert.equal(backups.length, 1);
    const backup = path.join(w.dataDir, "alice", backups[0] ?? "");
    assert.equal(fs.readFileSync(backup, "utf8"), other);
    assert.equal(fs.statSync(backup).mode & 0o777, 0o600);
    assert.match(replaced.stderr, /previous login kept at/);
    assert.deepEqual(filesContaining(w.codexHome, "rt-alice"), []);
  });

  test("a login cao already holds, and duplicate snapshots, are retired, not imported twice", async () => {
    const w = world();
    fs.writeFileSync(path.join(w.source, "alice.json"), authText(alice));
    fs.writeFileSync(path.join(w.source, "zz-copy.json"), authText(alice));
    const r = await runCao(["import", "codex-auth"], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(registryOf(w.dataDir).accounts, ["alice"]);
    assert.match(r.stderr, /zz-copy\.json: same login as alice/);
    fs.writeFileSync(path.join(w.source, "alice.json"), authText(alice));
    const again = await runCao(["import", "codex-auth"], { env: w.env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /alice\.json: already in cao/);
    assert.deepEqual(filesContaining(w.codexHome, "rt-alice"), []);
  });

  test("--default and --current pick the default; bad values and sources change nothing", async () => {
    const w = world();
    fs.writeFileSync(path.join(w.source, "alice.json"), authText(alice));
    fs.writeFileSync(path.join(w.source, "bob.json"), authText(bob));
    const bad = await runCao(["import", "codex-auth", "--current", "carol"], { env: w.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--current "carol"/);
    assert.ok(fs.existsSync(path.join(w.source, "alice.json")));
    const missing = await runCao(["import", "codex-auth", "--source", path.join(w.root, "nowhere")], {
      env: w.env,
    });
    assert.equal(missing.code, 2);
    assert.equal(fs.existsSync(path.join(w.dataDir, "registry.json")), false);
    const r = await runCao(["import", "codex-auth", "--source", w.source, "--default", "bob"], {
      env: w.env,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(registryOf(w.dataDir).default_account, "bob");
  });

  test("a snapshot whose name clashes in case with an account is skipped", async () => {
    const w = world();
    await runCao(["add", "Alice", "--no-login"], { env: w.env });
    fs.writeFileSync(path.join(w.source, "alice.json"), authText(alice));
    const r = await runCao(["import", "codex-auth"], { env: w.env });
    assert.match(r.stderr, /clash with account Alice/);
    assert.ok(fs.existsSync(path.join(w.source, "alice.json")));
    assert.deepEqual(registryOf(w.dataDir).accounts, ["Alice"]);
  });
});

describe("cao import codex", () => {
  test("moves the main Codex login into an account named after its email", async () => {
    const w = world();
    fs.writeFileSync(path.join(w.codexHome, "auth.json"), authText(alice), { mode: 0o600 });
    const r = await runCao(["import", "codex"], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(registryOf(w.dataDir), {
      default_account: "alice@example.com",
      accounts: ["alice@example.com"],
    });
    assert.equal(refreshTokenOf(w.dataDir, "alice@example.com"), "rt-alice-old");
    assert.deepEqual(filesContaining(w.codexHome, "rt-alice"), []);
    assert.match(r.stderr, /auth\.json: imported .*moved to .*auth\.json\.moved-to-cao without its tokens/);
    assert.match(r.stderr, /now logged out/);
    // Nothing left to import the second time.
    const again = await runCao(["import", "codex"], { env: w.env });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /no Codex login/);
  });

  test("--source and --name; bad input is refused and the source kept", async () => {
    const w = world();
    const other = path.join(w.root, "other-codex");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "auth.json"), "{broken");
    const corrupt = await runCao(["import", "codex", "--source", other, "--name", "work"], { env: w.env });
    assert.equal(corrupt.code, 3);
    assert.equal(fs.readFileSync(path.join(other, "auth.json"), "utf8"), "{broken");
    fs.writeFileSync(path.join(other, "auth.json"), authText(bob));
    const badName = await runCao(["import", "codex", "--source", other, "--name", "../x"], { env: w.env });
    assert.equal(badName.code, 2);
    await runCao(["add", "work", "--no-login"], { env: w.env });
    fs.writeFileSync(path.join(w.dataDir, "work", "auth.json"), authText(alice));
    const taken = await runCao(["import", "codex", "--source", other, "--name", "work"], { env: w.env });
    assert.equal(taken.code, 2);
    assert.ok(fs.readFileSync(path.join(other, "auth.json"), "utf8").includes("rt-bob"));
    const inside = await runCao(["import", "codex", "--source", path.join(w.dataDir, "work")], {
      env: w.env,
    });
    assert.equal(inside.code, 2);
    assert.match(inside.stderr, /inside cao's data dir/);
    const ok = await runCao(["import", "codex", "--source", other, "--name", "bob"], { env: w.env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(refreshTokenOf(w.dataDir, "bob"), "rt-bob");
    assert.deepEqual(filesContaining(other, "rt-bob"), []);
  });

  test("a copy of the same login in the main Codex home is retired too; the newer copy wins", async () => {
    const w = world();
    const other = path.join(w.root, "other-codex");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "auth.json"), authText(alice));
    fs.writeFileSync(path.join(w.codexHome, "auth.json"), authText(aliceNewer));
    const r = await runCao(["import", "codex", "--source", other, "--name", "alice"], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(refreshTokenOf(w.dataDir, "alice"), "rt-alice-new");
    assert.deepEqual(filesContaining(other, "rt-alice"), []);
    assert.deepEqual(filesContaining(w.codexHome, "rt-alice"), []);
    // Said once: the newer copy is imported, the older one only retired.
    assert.match(
      r.stderr,
      /other-codex\/auth\.json: an older copy of the login imported from .*\/home\/\.codex\/auth\.json \(account alice\); source moved to .*other-codex\/auth\.json\.moved-to-cao without its tokens/,
    );
    assert.match(
      r.stderr,
      /home\/\.codex\/auth\.json: imported \(account alice, the newer of its two copies\); source moved to/,
    );
    assert.equal(r.stderr.match(/: imported/g)?.length, 1, r.stderr);
  });
});
