import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { authText } from "../helpers/auth-fixture.js";
import { caoBin, runCao, runProcess } from "../helpers/cli.js";
import { runInPty } from "../helpers/pty.js";
import { tempWorld } from "../helpers/temp.js";

const HOUR = 3_600_000;
// Times are 10+ hours away, which the views show in whole hours: a slow,
// loaded test run that takes minutes cannot change what is printed.

/**
 * Four accounts covering the states status must show: a healthy default with
 * known usage, one never logged in, one cooling down after failures, one whose
 * refresh token died.
 */
async function statusWorld() {
  const w = tempWorld();
  const now = Date.now();
  for (const name of ["work", "idle", "cool", "dead"]) {
    assert.equal((await runCao(["add", name, "--no-login"], { env: w.env })).code, 0);
  }
  const login = (name: string, extra: Record<string, unknown>) =>
    fs.writeFileSync(
      path.join(w.dataDir, name, "auth.json"),
      authText({
        email: `${name}@example.com`,
        accountId: `acc-${name}`,
        refreshToken: `rt-${name}`,
        ...extra,
      }),
      { mode: 0o600 },
    );
  login("work", {
    plan: "pro",
    expiresInSeconds: 30 * 3600,
    lastRefresh: new Date(now - 20 * HOUR).toISOString(),
  });
  // Refreshed hours ago, not "now": two views rendered a second apart must print the same relative times.
  login("cool", { lastRefresh: new Date(now - 10 * HOUR).toISOString() });
  login("dead", { lastRefresh: new Date(now - 10 * HOUR).toISOString() });
  const statuses = {
    work: {
      lastAttemptAtMs: now - 60_000,
      lastSuccessAtMs: now - 60_000,
      consecutiveFailures: 0,
      rateLimits: {
        observedAtMs: now - 60_000,
        primary: { usedPercent: 42, windowMinutes: 300, resetsAtMs: now + 20 * HOUR },
        secondary: { usedPercent: 10, windowMinutes: 10080, resetsAtMs: now + 72 * HOUR },
      },
    },
    cool: {
      lastQuotaAtMs: now - 15 * HOUR,
      cooldownUntilMs: now + 12 * HOUR,
      consecutiveFailures: 4,
      lastError: "usage limit reached",
    },
    dead: { authProblem: "refresh_token_reused" },
  };
  fs.writeFileSync(path.join(w.dataDir, "account_status.json"), JSON.stringify({ statuses }));
  return w;
}

const noSecrets = (text: string) => {
  assert.doesNotMatch(text, /rt-(work|cool|dead)/, "no refresh token printed");
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}/, "no JWT printed");
};

describe("cao status views", async () => {
  const w = await statusWorld();

  test("without a terminal: one compact line per account, the seed's format", async () => {
    const r = await runCao(["status"], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(
      lines[0],
      "* work (logged-in) | expires: in 30h | cooldown: none | last_quota: none | failures: 0 | 5h: 42% | weekly: 10%",
    );
    assert.equal(
      lines[1],
      "  idle (not-logged-in) | expires: none | cooldown: none | last_quota: none | failures: 0",
    );
    assert.match(
      lines[2] ?? "",
      /^ {2}cool \(logged-in\) \| expires: in \d+d \| cooldown: ends in 12h \| last_quota: 15h ago \| failures: 4$/,
    );
    assert.match(lines[3] ?? "", /^ {2}dead \(needs-login\)/);
    assert.equal((await runCao(["status", "--compact"], { env: w.env })).stdout, r.stdout);
    noSecrets(r.stdout + r.stderr);
  });

  test("--full shows every field", async () => {
    const r = await runCao(["status", "--full"], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    for (const field of [
      "email:",
      "plan:",
      "token expires:",
      "last refresh:",
      "last attempt:",
      "last success:",
      "last quota:",
      "cooldown:",
      "failures:",
      "last error:",
      "5-hour usage:",
      "weekly usage:",
    ]) {
      assert.ok(r.stdout.includes(field), field);
    }
    assert.match(r.stdout, /email: +work@example\.com/);
    assert.match(r.stdout, /plan: +pro/);
    assert.match(r.stdout, /last refresh: +\S+ \S+ \(20h ago\)/);
    assert.match(r.stdout, /5-hour usage: +42% used, resets in 20h/);
    assert.match(r.stdout, /weekly usage: +10% used, resets in 3d/);
    assert.match(r.stdout, /last error: +usage limit reached/);
    assert.match(r.stdout, /NEEDS A NEW LOGIN \(refresh_token_reused\)/);
    const details = await runCao(["list", "--details"], { env: w.env });
    assert.equal(details.stdout, r.stdout, "`cao list --details` is the same view");
    noSecrets(r.stdout);
  });

  test("--pretty draws the dashboard; a terminal gets it by default", async () => {
    const r = await runCao(["status", "--pretty"], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^╭─+╮\n│ cao status · 4 accounts · default: work/);
    assert.match(r.stdout, /5h {6}█{8}░{12} +42% {2}resets in 20h/);
    const pty = runInPty(`${process.execPath} ${caoBin} status`, w.env);
    assert.equal(await pty.exit, 0);
    assert.match(pty.output(), /╭─+╮/);
    assert.match(pty.output(), /cao status · 4 accounts/);
  });

  test("--json has the documented, stable shape", async () => {
    const r = await runCao(["status", "--json"], { env: w.env });
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json), ["generatedAt", "dataDir", "defaultAccount", "accounts"]);
    assert.equal(json.defaultAccount, "work");
    const [work, idle, cool, dead] = json.accounts;
    assert.deepEqual(Object.keys(work), [
      "name",
      "isDefault",
      "loginState",
      "loginProblem",
      "memoryOnlySince",
      "email",
      "plan",
      "accountId",
      "tokenExpiresAt",
      "lastRefreshAt",
      "lastAttemptAt",
      "lastSuccessAt",
      "lastQuotaAt",
      "cooldownUntil",
      "coolingDown",
      "consecutiveFailures",
      "lastError",
      "authProblem",
      "usage",
    ]);
    assert.equal(work.loginState, "logged-in");
    assert.equal(work.email, "work@example.com");
    assert.equal(work.plan, "pro");
    assert.equal(work.accountId, "acc-work");
    assert.equal(work.usage.fiveHour.usedPercent, 42);
    assert.equal(work.usage.fiveHour.windowMinutes, 300);
    assert.ok(Date.parse(work.usage.weekly.resetsAt) > Date.now());
    assert.equal(idle.loginState, "not-logged-in");
    assert.equal(idle.usage.fiveHour, null);
    assert.equal(cool.coolingDown, true);
    assert.equal(cool.consecutiveFailures, 4);
    assert.equal(dead.loginState, "needs-login");
    assert.equal(dead.authProblem, "refresh_token_reused");
    noSecrets(r.stdout);
  });

  test("--report md and json", async () => {
    const md = await runCao(["status", "--report"], { env: w.env });
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# cao status report/);
    assert.match(
      md.stdout,
      /\| work \| yes \| work@example\.com \| pro \| logged-in \| in 30h \| none \| 0 \| 42% \| 10% \| {2}\|/,
    );
    assert.equal(
      (await runCao(["status", "--report", "md"], { env: w.env })).stdout.split("\n").slice(3).join("\n"),
      md.stdout.split("\n").slice(3).join("\n"),
    );
    const json = JSON.parse((await runCao(["status", "--report", "json"], { env: w.env })).stdout);
    assert.deepEqual(Object.keys(json), ["generatedAt", "accounts"]);
    assert.equal(json.accounts.length, 4);
    const bad = await runCao(["status", "--report", "xml"], { env: w.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown report format "xml"/);
    noSecrets(md.stdout);
  });
});

describe("cao status edge cases", () => {
  test("no accounts yet", async () => {
    const w = tempWorld();
    const r = await runCao(["status"], { env: w.env });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /no accounts yet/);
    assert.deepEqual(JSON.parse((await runCao(["status", "--json"], { env: w.env })).stdout).accounts, []);
  });

  test("a corrupt registry exits 3 and is kept; a corrupt status file only warns", async () => {
    const w = tempWorld();
    await runCao(["add", "work", "--no-login"], { env: w.env });
    fs.writeFileSync(path.join(w.dataDir, "account_status.json"), "{oops");
    const degraded = await runCao(["status"], { env: w.env });
    assert.equal(degraded.code, 0, degraded.stderr);
    assert.match(degraded.stdout, /work \(not-logged-in\)/);
    assert.match(degraded.stderr, /account_status\.json is not valid JSON/);
    fs.writeFileSync(path.join(w.dataDir, "registry.json"), "[broken");
    const broken = await runCao(["status"], { env: w.env });
    assert.equal(broken.code, 3);
    assert.equal(fs.readFileSync(path.join(w.dataDir, "registry.json"), "utf8"), "[broken");
  });

  test("output larger than a pipe holds, read by a reader that stops early, ends quietly", async () => {
    const w = tempWorld();
    const accounts = Array.from({ length: 1200 }, (_, i) => `account-${i}`);
    fs.mkdirSync(w.dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(w.dataDir, "registry.json"),
      JSON.stringify({ default_account: null, accounts }),
    );
    const whole = await runCao(["status"], { env: w.env });
    assert.equal(
      whole.stdout.split("\n").length,
      accounts.length + 1,
      "every line arrives through a slow pipe",
    );
    const r = await runProcess(
      "bash",
      ["-c", `"${process.execPath}" "${caoBin}" status | head -1; echo "cao exit: \${PIPESTATUS[0]}"`],
      { env: w.env },
    );
    assert.match(r.stdout, /^ {2}account-0 \(not-logged-in\)/);
    assert.match(r.stdout, /cao exit: 0/);
    assert.equal(r.stderr, "");
  });

  test("cao list read by a reader that stops early ends quietly too (no EPIPE crash)", async () => {
    const w = tempWorld();
    const accounts = Array.from({ length: 1200 }, (_, i) => `account-${i}`);
    fs.mkdirSync(w.dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(w.dataDir, "registry.json"),
      JSON.stringify({ default_account: null, accounts }),
    );
    const r = await runProcess(
      "bash",
      ["-c", `"${process.execPath}" "${caoBin}" list | head -1; echo "cao exit: \${PIPESTATUS[0]}"`],
      { env: w.env },
    );
    assert.match(r.stdout, /^ {2}account-0 \(not logged in\)/);
    assert.match(r.stdout, /cao exit: 0/);
    assert.equal(r.stderr, "");
  });

  test("a full non-blocking stdout pipe is waited out, not an error", async () => {
    const w = tempWorld();
    const accounts = Array.from({ length: 1200 }, (_, i) => `account-${i}`);
    fs.mkdirSync(w.dataDir, { recursive: true });
    fs.writeFileSync(
      path.join(w.dataDir, "registry.json"),
      JSON.stringify({ default_account: null, accounts }),
    );
    // perl (in every Debian base) marks the pipe O_NONBLOCK, as some parents leave a shared
    // pipe, then execs cao; more than the pipe holds meets a reader that starts late, so the
    // writer sees EAGAIN until it catches up.
    const nonBlocking =
      'fcntl(STDOUT, F_SETFL, fcntl(STDOUT, F_GETFL, 0) | O_NONBLOCK) or die "fcntl"; exec @ARGV';
    const r = await runProcess(
      "bash",
      [
        "-c",
        `perl -MFcntl -e '${nonBlocking}' "${process.execPath}" "${caoBin}" status | { sleep 1; cat; }; echo "cao exit: \${PIPESTATUS[0]}"`,
      ],
      { env: w.env },
    );
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /cao exit: 0\n$/);
    const output = r.stdout.replace(/cao exit: 0\n$/, "");
    assert.equal(output.split("\n").length, accounts.length + 1);
  });

  test("an unreadable auth.json is shown, not fatal", async () => {
    const w = tempWorld();
    await runCao(["add", "work", "--no-login"], { env: w.env });
    fs.writeFileSync(path.join(w.dataDir, "work", "auth.json"), "not json", { mode: 0o600 });
    const r = await runCao(["status", "--json"], { env: w.env });
    assert.equal(r.code, 0);
    const [work] = JSON.parse(r.stdout).accounts;
    assert.equal(work.loginState, "auth-unreadable");
    assert.equal(work.loginProblem, "auth.json is not valid JSON");
  });
});
