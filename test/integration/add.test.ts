import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { caoBin, codexBin, runCao, runProcess } from "../helpers/cli.js";
import { fakeCodexDaemon } from "../helpers/fake-daemon.js";
import { runInPty } from "../helpers/pty.js";
import { tempWorld } from "../helpers/temp.js";

/** Account dirs and registry entries: what a failed add must not leave behind. */
function leftovers(dataDir: string): { dirs: string[]; registered: string[] } {
  const dirs = fs.existsSync(dataDir) ? fs.readdirSync(dataDir).filter((n) => !n.startsWith(".")) : [];
  const registryFile = path.join(dataDir, "registry.json");
  const registered = fs.existsSync(registryFile)
    ? (JSON.parse(fs.readFileSync(registryFile, "utf8")) as { accounts: string[] }).accounts
    : [];
  return { dirs: dirs.filter((n) => n !== "registry.json" && n !== "account_status.json"), registered };
}

/**
 * A stand-in for `codex login`: a real executable that records how it was
 * called (args, CODEX_HOME, whether CODEX_API_KEY leaked) and then behaves as
 * told by FAKE_LOGIN: "ok" writes auth.json, "no-file" exits 0 without one,
 * "fail" exits 3.
 */
function fakeCodex(dir: string): string {
  const file = path.join(dir, "fake-codex");
  fs.writeFileSync(
    file,
    `#!/bin/sh
printf '%s\\n' "$*" > "$FAKE_RECORD/login-args"
printf '%s|%s\\n' "$CODEX_HOME" "\${CODEX_API_KEY-unset}" > "$FAKE_RECORD/login-env"
case "$FAKE_LOGIN" in
  ok) umask 022; printf '{"tokens":{"refresh_token":"rt","account_id":"acc"}}' > "$CODEX_HOME/auth.json" ;;
  no-file) ;;
  *) exit 3 ;;
esac
`,
    { mode: 0o755 },
  );
  return file;
}

describe("cao add", () => {
  test("refuses bad names and creates nothing", async () => {
    const w = tempWorld();
    for (const name of ["../evil", "a/b", "-rf", "..", ".hidden", "x".repeat(65), "sp ace", ""]) {
      const r = await runCao(["add", name, "--no-login"], { env: w.env });
      assert.equal(r.code, 2, `${JSON.stringify(name)}: ${r.stderr}`);
      // "-rf" never reaches the name check: it is refused as an unknown option.
      assert.match(r.stderr, /invalid account name|unknown option/);
    }
    assert.deepEqual(leftovers(w.dataDir), { dirs: [], registered: [] });
    assert.equal(fs.existsSync(path.join(w.root, "evil")), false);
  });

  test("--no-login creates a private home with the codex config; the first account becomes the default", async () => {
    const w = tempWorld();
    assert.equal((await runCao(["add", "work", "--no-login"], { env: w.env })).code, 0);
    const second = await runCao(["add", "play", "--no-login"], { env: w.env });
    assert.equal(second.code, 0, second.stderr);
    const registry = JSON.parse(fs.readFileSync(path.join(w.dataDir, "registry.json"), "utf8"));
    assert.deepEqual(registry, { default_account: "work", accounts: ["work", "play"] });
    const home = path.join(w.dataDir, "work");
    assert.equal(fs.statSync(home).mode & 0o777, 0o700);
    const config = fs.readFileSync(path.join(home, "config.toml"), "utf8");
    assert.match(config, /cli_auth_credentials_store = "file"/);
    assert.match(config, /forced_login_method = "chatgpt"/);
    assert.ok(fs.lstatSync(path.join(home, "sessions")).isSymbolicLink());
    assert.match(second.stderr, /cao add play --relogin/, "says how to log in later");
  });

  test("refuses an existing account and a name differing only in case", async () => {
    const w = tempWorld();
    await runCao(["add", "work", "--no-login"], { env: w.env });
    const same = await runCao(["add", "work", "--no-login"], { env: w.env });
    assert.equal(same.code, 2);
    assert.match(same.stderr, /already exists/);
    const cased = await runCao(["add", "WORK", "--no-login"], { env: w.env });
    assert.equal(cased.code, 2);
    assert.match(cased.stderr, /differ only in case/);
    assert.deepEqual(leftovers(w.dataDir), { dirs: ["work"], registered: ["work"] });
  });

  test("refuses a directory that exists but is not registered, and leaves it alone", async () => {
    const w = tempWorld();
    fs.mkdirSync(path.join(w.dataDir, "stray"), { recursive: true });
    fs.writeFileSync(path.join(w.dataDir, "stray", "auth.json"), "{}");
    const r = await runCao(["add", "stray", "--no-login"], { env: w.env });
    assert.equal(r.code, 2);
    assert.equal(fs.readFileSync(path.join(w.dataDir, "stray", "auth.json"), "utf8"), "{}");
    assert.deepEqual(leftovers(w.dataDir).registered, []);
  });

  test("runs codex login in the new home with CODEX_API_KEY scrubbed; auth.json ends up 0600", async () => {
    const w = tempWorld();
    const codex = fakeCodex(w.root);
    const env = { ...w.env, FAKE_LOGIN: "ok", FAKE_RECORD: w.root, CODEX_API_KEY: "sk-must-not-leak" };
    const r = await runCao(["add", "work", "--codex", codex], { env });
    assert.equal(r.code, 0, r.stderr);
    const home = path.join(w.dataDir, "work");
    assert.equal(fs.readFileSync(path.join(w.root, "login-args"), "utf8").trim(), "login");
    assert.equal(fs.readFileSync(path.join(w.root, "login-env"), "utf8").trim(), `${home}|unset`);
    assert.equal(fs.statSync(path.join(home, "auth.json")).mode & 0o777, 0o600);
    const device = await runCao(["add", "dev", "--device-auth", "--codex", codex], { env });
    assert.equal(device.code, 0, device.stderr);
    // The fake logs every account into the same ChatGPT account: cao says it adds no quota.
    assert.match(device.stderr, /dev is logged in to the same ChatGPT account as work/);
    assert.doesNotMatch(r.stderr, /same ChatGPT account/);
    assert.equal(fs.readFileSync(path.join(w.root, "login-args"), "utf8").trim(), "login --device-auth");
  });

  test("a login that fails or writes no auth.json leaves no account behind", async () => {
    const w = tempWorld();
    const codex = fakeCodex(w.root);
    await runCao(["add", "keep", "--no-login"], { env: w.env });
    for (const mode of ["fail", "no-file"]) {
      const r = await runCao(["add", "work", "--codex", codex], {
        env: { ...w.env, FAKE_LOGIN: mode, FAKE_RECORD: w.root },
      });
      assert.equal(r.code, 1, `${mode}: ${r.stderr}`);
      assert.match(r.stderr, /nothing was added/);
      assert.deepEqual(leftovers(w.dataDir), { dirs: ["keep"], registered: ["keep"] }, mode);
    }
    // The rollback did not disturb the default.
    const registry = JSON.parse(fs.readFileSync(path.join(w.dataDir, "registry.json"), "utf8"));
    assert.equal(registry.default_account, "keep");
  });

  test("--relogin logs an existing account in again and clears its dead-login mark", async () => {
    const w = tempWorld();
    const codex = fakeCodex(w.root);
    await runCao(["add", "work", "--no-login"], { env: w.env });
    const auth = path.join(w.dataDir, "work", "auth.json");
    fs.writeFileSync(auth, '{"tokens":{"refresh_token":"dead"}}', { mode: 0o600 });
    fs.writeFileSync(
      path.join(w.dataDir, "account_status.json"),
      JSON.stringify({ statuses: { work: { authProblem: "refresh_token_reused", consecutiveFailures: 4 } } }),
    );
    const env = { ...w.env, FAKE_RECORD: w.root };
    for (const mode of ["fail", "no-file"]) {
      const r = await runCao(["add", "work", "--relogin", "--codex", codex], {
        env: { ...env, FAKE_LOGIN: mode },
      });
      assert.equal(r.code, 1, `${mode}: ${r.stderr}`);
      assert.match(r.stderr, /previous login was left as it was/);
      assert.equal(fs.readFileSync(auth, "utf8"), '{"tokens":{"refresh_token":"dead"}}');
    }
    const ok = await runCao(["add", "work", "--relogin", "--codex", codex], {
      env: { ...env, FAKE_LOGIN: "ok" },
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(fs.readFileSync(auth, "utf8"), /"refresh_token":"rt"/);
    assert.equal(fs.statSync(auth).mode & 0o777, 0o600);
    const status = JSON.parse(fs.readFileSync(path.join(w.dataDir, "account_status.json"), "utf8")).statuses
      .work;
    assert.equal(status.authProblem, undefined);
    assert.equal(status.consecutiveFailures, 0);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(w.dataDir, "registry.json"), "utf8")).accounts, [
      "work",
    ]);
    const unknown = await runCao(["add", "nope", "--relogin", "--codex", codex], { env });
    assert.equal(unknown.code, 2);
    const contradiction = await runCao(["add", "work", "--relogin", "--no-login"], { env });
    assert.equal(contradiction.code, 2);
  });

  test("--relogin says when a Codex app-server daemon in the home still holds the previous login", async () => {
    const w = tempWorld();
    const codex = fakeCodex(w.root);
    await runCao(["add", "work", "--no-login"], { env: w.env });
    const daemon = fakeCodexDaemon(path.join(w.dataDir, "work"));
    const ok = await runCao(["add", "work", "--relogin", "--codex", codex], {
      env: { ...w.env, FAKE_RECORD: w.root, FAKE_LOGIN: "ok" },
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(
      ok.stderr,
      new RegExp(`Codex app-server daemon \\(pid ${daemon.pid}\\) still runs in work's home`),
    );
    assert.match(ok.stderr, /codex app-server daemon stop/);
  });

  test("a missing codex gives exit 4 with an install hint, before anything is created", async () => {
    const w = tempWorld();
    const env = { ...w.env, PATH: path.join(w.root, "empty-bin") };
    const r = await runCao(["add", "work"], { env });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /not found/);
    assert.match(r.stderr, /npm install -g @openai\/codex/);
    const explicit = await runCao(["add", "work", "--codex", path.join(w.root, "nope")], { env: w.env });
    assert.equal(explicit.code, 4);
    assert.deepEqual(leftovers(w.dataDir), { dirs: [], registered: [] });
  });
});

/**
 * The real codex, offline: inside a network namespace with only loopback,
 * `codex login` serves its callback on localhost and waits, and a device-code
 * login fails to reach the auth server. Neither may leave an account behind.
 */
describe("cao add with the real codex login (loopback-only network namespace)", () => {
  const isolated = (w: ReturnType<typeof tempWorld>, args: string[]) =>
    spawn(
      "unshare",
      ["-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', process.execPath, caoBin, ...args],
      { env: w.env, stdio: ["ignore", "pipe", "pipe"] },
    );

  test("Ctrl-C during the browser login rolls the account back (exit 130)", async () => {
    const w = tempWorld();
    const child = isolated(w, ["add", "work", "--codex", codexBin]);
    let output = "";
    const waiting = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("oauth/authorize")) resolve();
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await waiting;
    assert.ok(fs.existsSync(path.join(w.dataDir, "work", "config.toml")), "home exists while codex waits");
    child.kill("SIGINT");
    assert.equal(await exited, 130, output);
    assert.match(output, /interrupted; nothing was added/);
    assert.deepEqual(leftovers(w.dataDir), { dirs: [], registered: [] });
  });

  test("Ctrl-C typed in the terminal (SIGINT to cao and codex alike) rolls back too", async () => {
    const w = tempWorld();
    const pty = runInPty(
      `unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' ${process.execPath} ${caoBin} add work --codex ${codexBin}; echo "exit=$?"`,
      w.env,
    );
    await pty.waitFor("oauth/authorize");
    pty.write("\u0003");
    await pty.waitFor("exit=");
    await pty.exit;
    assert.match(pty.output(), /interrupted; nothing was added/);
    assert.match(pty.output(), /exit=130/);
    assert.deepEqual(leftovers(w.dataDir), { dirs: [], registered: [] });
  });

  test("a device-code login that cannot reach the server rolls back (exit 1)", async () => {
    const w = tempWorld();
    const r = await runProcess(
      "unshare",
      [
        "-n",
        "sh",
        "-c",
        'ip link set lo up && exec "$0" "$@"',
        process.execPath,
        caoBin,
        "add",
        "work",
        "--device-auth",
        "--codex",
        codexBin,
      ],
      { env: w.env },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /codex login exited with 1; nothing was added/);
    assert.deepEqual(leftovers(w.dataDir), { dirs: [], registered: [] });
  });
});
