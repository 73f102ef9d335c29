import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { authText, type FixtureLogin } from "../helpers/auth-fixture.js";
import { codexBin, codexVersion, runCao } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

/** A world where the real codex is found (via CAO_CODEX_BIN), so only what a test breaks is reported. */
async function doctorWorld(accounts: Record<string, FixtureLogin | null>) {
  const w = tempWorld();
  w.env.CAO_CODEX_BIN = codexBin;
  for (const [name, login] of Object.entries(accounts)) {
    assert.equal((await runCao(["add", name, "--no-login"], { env: w.env })).code, 0);
    if (login) fs.writeFileSync(path.join(w.dataDir, name, "auth.json"), authText(login), { mode: 0o600 });
  }
  return w;
}

/** A stand-in codex in `dir` whose `--version` prints `codex-cli VERSION`. */
function codexReporting(dir: string, version: string): string {
  const file = path.join(dir, `codex-${version}`);
  fs.writeFileSync(file, `#!/bin/sh\necho "codex-cli ${version}"\n`, { mode: 0o755 });
  return file;
}

const login = (name: string, extra: Partial<FixtureLogin> = {}): FixtureLogin => ({
  email: `${name}@example.com`,
  accountId: `acc-${name}`,
  refreshToken: `rt-${name}`,
  ...extra,
});

async function doctor(env: NodeJS.ProcessEnv, ...flags: string[]) {
  const r = await runCao(["status", "--doctor", "--json", ...flags], { env });
  const report = JSON.parse(r.stdout);
  // Every report carries the codex version (info); `codes` leaves it out so each test lists what it broke.
  const codes = report.issues
    .map((i: { account: string | null; code: string }) => `${i.account ?? "-"}:${i.code}`)
    .filter((code: string) => code !== "-:codex-version");
  return { code: r.code, report, codes, stderr: r.stderr };
}

test("healthy accounts: exit 0, the seed's JSON shape", async () => {
  const w = await doctorWorld({ a: login("a"), b: login("b") });
  const { code, report } = await doctor(w.env);
  assert.equal(code, 0, JSON.stringify(report));
  assert.deepEqual(Object.keys(report), ["generatedAt", "thresholds", "totals", "issues"]);
  assert.deepEqual(report.thresholds, { expiresWithinHours: 24, maxFailures: 3 });
  assert.deepEqual(report.totals, { accounts: 2, ok: 2, warnings: 0, errors: 0 });
  // The one finding is the installed codex's version, inside the tested range (info: exit 0).
  assert.deepEqual(
    report.issues.map((i: { severity: string; code: string }) => `${i.severity}:${i.code}`),
    ["info:codex-version"],
  );
  assert.match(
    report.issues[0].message,
    new RegExp(`codex ${codexVersion.replaceAll(".", "\\.")} .*tested with`),
  );
  const text = await runCao(["status", "--doctor"], { env: w.env });
  assert.equal(text.code, 0);
  assert.match(text.stdout, /2 account\(s\): 2 ok, 0 warning\(s\), 0 error\(s\)/);
});

test("warnings only: expiring token, too many failures, cooling down (info) -> exit 1; thresholds are flags", async () => {
  const w = await doctorWorld({ soon: login("soon", { expiresInSeconds: 3600 }), flaky: login("flaky") });
  const now = Date.now();
  fs.writeFileSync(
    path.join(w.dataDir, "account_status.json"),
    JSON.stringify({
      statuses: { flaky: { consecutiveFailures: 3, lastError: "boom", cooldownUntilMs: now + 600_000 } },
    }),
  );
  const first = await doctor(w.env);
  assert.equal(first.code, 1);
  assert.deepEqual(first.codes.sort(), [
    "flaky:cooling-down",
    "flaky:too-many-failures",
    "soon:token-expiring",
  ]);
  assert.equal(first.report.issues.find((i: { code: string }) => i.code === "cooling-down").severity, "info");
  assert.deepEqual(first.report.totals, { accounts: 2, ok: 0, warnings: 2, errors: 0 });
  const relaxed = await doctor(w.env, "--expires-within-hours", "0.5", "--max-failures", "4");
  assert.equal(relaxed.code, 0, relaxed.codes.join());
  assert.deepEqual(relaxed.report.thresholds, { expiresWithinHours: 0.5, maxFailures: 4 });
  for (const bad of [
    ["--max-failures", "lots"],
    ["--expires-within-hours", "-1"],
  ]) {
    const r = await runCao(["status", "--doctor", ...bad], { env: w.env });
    assert.equal(r.code, 2, bad.join(" "));
  }
});

test("errors: missing codex, not logged in, unreadable auth, dead login, expired token -> exit 2", async () => {
  const w = await doctorWorld({
    none: null,
    garbled: null,
    dead: login("dead"),
    old: login("old", { expiresInSeconds: -60 }),
    apikey: null,
  });
  fs.writeFileSync(path.join(w.dataDir, "garbled", "auth.json"), "{", { mode: 0o600 });
  fs.writeFileSync(path.join(w.dataDir, "apikey", "auth.json"), '{"OPENAI_API_KEY":"sk-x"}', { mode: 0o600 });
  fs.writeFileSync(
    path.join(w.dataDir, "account_status.json"),
    JSON.stringify({ statuses: { dead: { authProblem: "refresh_token_reused" } } }),
  );
  const env: NodeJS.ProcessEnv = { ...w.env, PATH: path.join(w.root, "empty") };
  delete env.CAO_CODEX_BIN;
  const { code, codes, report } = await doctor(env);
  assert.equal(code, 2);
  for (const expected of [
    "-:codex-missing",
    "none:not-logged-in",
    "garbled:auth-unreadable",
    "apikey:auth-api-key",
    "dead:needs-login",
    "old:token-expired",
  ]) {
    assert.ok(codes.includes(expected), `${expected} in ${codes.join(", ")}`);
  }
  assert.doesNotMatch(JSON.stringify(report), /sk-x|rt-/);
});

test("two accounts holding one login: shared refresh token is an error, same user a warning", async () => {
  const w = await doctorWorld({
    a: login("a"),
    b: login("a"),
    c: login("c", { userId: "same-user", accountId: "acc-x" }),
    d: login("d", { userId: "same-user", accountId: "acc-x" }),
  });
  const { code, report } = await doctor(w.env);
  assert.equal(code, 2);
  const shared = report.issues.filter((i: { code: string }) => i.code === "shared-refresh-token");
  assert.equal(shared.length, 1);
  assert.match(shared[0].message, /a, b hold the same refresh token/);
  const dup = report.issues.filter((i: { code: string }) => i.code === "duplicate-login");
  assert.equal(dup.length, 1, JSON.stringify(report.issues));
  assert.match(dup[0].message, /c, d/);
  assert.equal(dup[0].severity, "warning");
});

test("permissions too open and kept corrupt files are reported; a corrupt registry is an error, not a crash", async () => {
  const w = await doctorWorld({ a: login("a") });
  fs.chmodSync(path.join(w.dataDir, "a", "auth.json"), 0o644);
  fs.chmodSync(w.dataDir, 0o755);
  fs.writeFileSync(path.join(w.dataDir, "account_status.json"), "{oops");
  const first = await doctor(w.env);
  assert.equal(first.code, 1, first.codes.join());
  assert.deepEqual(first.codes.sort(), ["-:corrupt-file-kept", "-:permissions", "a:permissions"]);
  assert.match(first.report.issues.find((i: { account: string }) => i.account === "a").message, /chmod 600/);
  fs.writeFileSync(path.join(w.dataDir, "registry.json"), "{not json");
  const broken = await doctor(w.env);
  assert.equal(broken.code, 2);
  assert.ok(broken.codes.includes("-:store-unreadable"), broken.codes.join(", "));
  assert.equal(fs.readFileSync(path.join(w.dataDir, "registry.json"), "utf8"), "{not json");
});

test("the installed codex's version: newer than tested is a warning, older than supported an error", async () => {
  const w = await doctorWorld({ a: login("a") });
  const fakeCodex = (version: string) => codexReporting(w.root, version);
  const cases: Array<[string, number, string, RegExp]> = [
    [
      "99.0.0",
      1,
      "warning:codex-untested",
      /codex 99\.0\.0 .* is untested: cao is tested with \d+\.\d+\.\d+ to/,
    ],
    ["0.1.0", 2, "error:codex-too-old", /codex 0\.1\.0 .* is older than the oldest supported \d+\.\d+\.\d+/],
    ["garbage", 1, "warning:codex-version-unknown", /--version printed "codex-cli garbage"/],
  ];
  for (const [version, exit, finding, message] of cases) {
    const { code, report } = await doctor({ ...w.env, CAO_CODEX_BIN: fakeCodex(version) });
    const found = report.issues.map((i: { severity: string; code: string }) => `${i.severity}:${i.code}`);
    assert.deepEqual(found, [finding], version);
    assert.equal(code, exit, `${version}: ${JSON.stringify(report.issues)}`);
    assert.match(report.issues[0].message, message);
  }
});

test("cao's footer lines in the main Codex config: info when complete, a warning when a piece is missing or the Codex has no providers", async () => {
  const w = await doctorWorld({ a: login("a") });
  const codexAt = (version: string) => codexReporting(w.root, version);
  const lines = await runCao(["statusline", "--config"], { env: w.env });
  assert.equal(lines.code, 0, lines.stderr);
  const config = path.join(w.home, ".codex", "config.toml");
  fs.mkdirSync(path.dirname(config), { recursive: true });
  const check = async (version: string) => {
    const { report } = await doctor({ ...w.env, CAO_CODEX_BIN: codexAt(version) });
    const found = report.issues.filter((i: { code: string }) => i.code.startsWith("statusline"));
    return found.map(
      (i: { severity: string; code: string; message: string }) => `${i.severity}:${i.code}: ${i.message}`,
    );
  };
  assert.deepEqual(await check("0.171.0"), [], "no lines, no finding");
  fs.writeFileSync(config, lines.stdout);
  assert.match(
    (await check("0.171.0")).join("\n"),
    /^info:statusline: Codex's footer comes from `cao statusline`/,
  );
  assert.match(
    (await check("0.169.0")).join("\n"),
    /^warning:statusline-unsupported: codex 0\.169\.0 has no footer providers/,
  );
  fs.writeFileSync(config, lines.stdout.replace(/^env_vars = .*$/m, ""));
  assert.match(
    (await check("0.171.0")).join("\n"),
    /^warning:statusline-incomplete: .*missing: env_vars = \["CAO_HOME", "CODEX_HOME"\]\)/,
  );
});
