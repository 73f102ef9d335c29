import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { authJson, authText, type FixtureLogin } from "../helpers/auth-fixture.js";
import { runCao } from "../helpers/cli.js";
import { filesContaining, tempWorld } from "../helpers/temp.js";

/**
 * `cao import <tool>` for the other multi-account tools, on files shaped as each tool writes
 * them (formats cited in src/accounts/import-formats/): every login moves into cao, every
 * source keeps no usable token, each source gets a line saying what happened to it.
 */
const login = (name: string): FixtureLogin => ({
  email: `${name}@example.com`,
  accountId: `acc-${name}`,
  refreshToken: `rt-${name}`,
});
const tokensOf = (l: FixtureLogin) => authJson(l).tokens as Record<string, string>;
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const refreshTokenOf = (dataDir: string, name: string) =>
  readJson(path.join(dataDir, name, "auth.json")).tokens.refresh_token;

async function importFrom(tool: string, w: ReturnType<typeof tempWorld>, source: string) {
  const r = await runCao(["import", tool, "--source", source], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /rt-/, "no token printed");
  return r;
}

for (const tool of ["cliproxyapi", "ccs"]) {
  test(`${tool}: codex-*.json token files move in; other providers' files are left alone`, async () => {
    const w = tempWorld();
    const dir = path.join(w.home, tool === "ccs" ? ".ccs/cliproxy/auth" : ".cli-proxy-api");
    fs.mkdirSync(dir, { recursive: true });
    for (const name of ["alice", "bob"]) {
      const t = tokensOf(login(name));
      fs.writeFileSync(
        path.join(dir, `codex-${name}@example.com-plus.json`),
        JSON.stringify({
          ...t,
          last_refresh: "2026-11-01T00:00:00Z",
          email: `${name}@example.com`,
          type: "codex",
          expired: "2026-12-10T00:00:00Z",
        }),
      );
    }
    fs.writeFileSync(path.join(dir, "gemini-x.json"), JSON.stringify({ type: "gemini", token: "g" }));
    const r = await importFrom(tool, w, dir);
    // Named after the email, as `cao import codex` names the main login.
    assert.deepEqual(readJson(path.join(w.dataDir, "registry.json")).accounts, [
      "alice@example.com",
      "bob@example.com",
    ]);
    assert.equal(refreshTokenOf(w.dataDir, "alice@example.com"), "rt-alice");
    assert.deepEqual(filesContaining(dir, "rt-alice"), []);
    const retired = readJson(path.join(dir, "codex-alice@example.com-plus.json.moved-to-cao"));
    assert.equal(retired.access_token, undefined);
    assert.equal(retired.cao_moved_to, "alice@example.com");
    assert.match(
      r.stderr,
      /codex-alice@example\.com-plus\.json: imported \(account alice@example\.com\); source moved to .* without its tokens/,
    );
    assert.match(r.stderr, /gemini-x\.json: skipped: not a Codex token \(type "gemini"\)/);
    assert.ok(fs.existsSync(path.join(dir, "gemini-x.json")));
  });
}

test("codex-multi-auth: entries of the one storage file move in, their tokens stripped there, entries disabled", async () => {
  const w = tempWorld();
  const dir = path.join(w.codexHome, "multi-auth");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "openai-codex-accounts.json");
  const entry = (name: string, label?: string) => ({
    accountId: `acc-${name}`,
    ...(label && { accountLabel: label }),
    email: `${name}@example.com`,
    refreshToken: `rt-${name}`,
    accessToken: tokensOf(login(name)).access_token,
    expiresAt: Date.now() + 3600_000,
    enabled: true,
    addedAt: 1,
    lastUsed: 2,
  });
  fs.writeFileSync(
    file,
    JSON.stringify({
      version: 3,
      accounts: [entry("alice", "work"), entry("bob"), { refreshToken: "rt-lone", addedAt: 1, lastUsed: 1 }],
      activeIndex: 0,
    }),
  );
  const r = await importFrom("codex-multi-auth", w, dir);
  assert.deepEqual(readJson(path.join(w.dataDir, "registry.json")).accounts, ["work", "bob@example.com"]);
  assert.equal(refreshTokenOf(w.dataDir, "work"), "rt-alice");
  const after = readJson(file);
  assert.equal(after.accounts[0].refreshToken, undefined);
  assert.equal(after.accounts[0].enabled, false);
  assert.equal(after.accounts[0].caoMovedTo, "work");
  assert.equal(after.accounts[2].refreshToken, "rt-lone", "an entry without an access token is left as is");
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.match(r.stderr, /openai-codex-accounts\.json#1: imported \(account work\); its tokens were removed/);
  assert.match(r.stderr, /#3: skipped: no access token stored with it/);
});

test("codex-auth-registry (Loongphy): snapshots named by account key (base64url when needed) move in under their alias", async () => {
  const w = tempWorld();
  const dir = path.join(w.codexHome, "accounts");
  fs.mkdirSync(dir, { recursive: true });
  const keyA = "user-alice::acc-alice"; // needs encoding
  const keyB = "acc-bob";
  fs.writeFileSync(
    path.join(dir, `${Buffer.from(keyA).toString("base64url")}.auth.json`),
    authText(login("alice")),
  );
  fs.writeFileSync(path.join(dir, `${keyB}.auth.json`), authText(login("bob")));
  fs.writeFileSync(
    path.join(dir, "registry.json"),
    JSON.stringify({
      schema_version: 3,
      active_account_key: keyB,
      accounts: [
        { account_key: keyA, chatgpt_account_id: "acc-alice", email: "alice@example.com", alias: "personal" },
        { account_key: keyB, chatgpt_account_id: "acc-bob", email: "bob@example.com", alias: "" },
        { account_key: "gone", email: "gone@example.com", alias: "gone" },
      ],
    }),
  );
  const r = await importFrom("codex-auth-registry", w, dir);
  assert.deepEqual(readJson(path.join(w.dataDir, "registry.json")).accounts, ["personal", "bob@example.com"]);
  assert.deepEqual(filesContaining(dir, "rt-"), []);
  assert.match(r.stderr, /gone\.auth\.json: skipped: no auth\.json/);
});

test("caam and prodex: per-profile auth.json copies move in under the profile's name", async () => {
  const w = tempWorld();
  const vault = path.join(w.home, ".local/share/caam/vault/codex");
  for (const name of ["alice@example.com", "bob"]) {
    fs.mkdirSync(path.join(vault, name), { recursive: true });
    fs.writeFileSync(path.join(vault, name, "auth.json"), authText(login(name.split("@")[0]!)));
  }
  await importFrom("caam", w, vault);
  assert.deepEqual(readJson(path.join(w.dataDir, "registry.json")).accounts, ["alice@example.com", "bob"]);
  assert.deepEqual(filesContaining(vault, "rt-"), []);

  const root = path.join(w.home, ".prodex");
  const carolHome = path.join(root, "profiles", "carol");
  fs.mkdirSync(carolHome, { recursive: true });
  fs.writeFileSync(path.join(carolHome, "auth.json"), authText(login("carol")));
  fs.writeFileSync(
    path.join(root, "state.json"),
    JSON.stringify({
      active_profile: "carol",
      profiles: {
        carol: { codex_home: carolHome, managed: true, email: "carol@example.com", provider_kind: "openai" },
        gh: {
          codex_home: path.join(root, "profiles", "gh"),
          managed: true,
          provider_kind: "copilot",
          host: "github.com",
          login: "x",
          api_url: "u",
        },
      },
    }),
  );
  const r = await importFrom("prodex", w, root);
  assert.equal(refreshTokenOf(w.dataDir, "carol"), "rt-carol");
  assert.deepEqual(filesContaining(root, "rt-carol"), []);
  assert.match(r.stderr, /state\.json#gh: skipped: a copilot profile/);

  // Importing again finds nothing live: every source was retired.
  const again = await importFrom("prodex", w, root);
  assert.match(again.stderr, /carol\/auth\.json: skipped: no auth\.json/);
});
