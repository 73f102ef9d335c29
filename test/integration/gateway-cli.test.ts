import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { registerFakeAccounts, writeSandboxCodexConfig } from "../../src/demo/sandbox.js";
import { caoBin, runCao } from "../helpers/cli.js";
import { waitUntil } from "../helpers/deadline.js";
import { detachedStartArgs, send } from "../helpers/gateway.js";
import { tempWorld } from "../helpers/temp.js";

/** `cao gateway start|stop|status|logs` as a user runs them (the built CLI, a detached gateway). */
let backend: FakeBackend;
const world = tempWorld();
const env = () => ({ ...world.env, CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl });
const statePath = path.join(world.dataDir, ".state/gateway");
const pidPath = path.join(world.dataDir, "gateway.pid");

before(async () => {
  backend = await startFakeBackend({ accounts: [{ accountId: "c-one", email: "one@example.com" }] });
  process.env.CAO_MAIN_CODEX_HOME = world.codexHome;
  writeSandboxCodexConfig(backend, world.codexHome);
  registerFakeAccounts(backend, world.dataDir, [{ name: "one", accountId: "c-one" }]);
});
after(async () => {
  await runCao(["gateway", "stop"], { env: env() });
  await backend.close();
});

const start = (...args: string[]) =>
  runCao(detachedStartArgs(backend.upstreamBaseUrl, ...args), {
    env: env(),
  });

test("start --detach, status, a request through it, refusal of a second start, logs, stop", async () => {
  const started = await start();
  assert.equal(started.code, 0, started.stderr);
  assert.match(
    started.stderr,
    /gateway running \(pid \d+\) at http:\/\/127\.0\.0\.1:\d+\/v1; new sessions start on one/,
  );
  const [pid, url, account] = fs.readFileSync(statePath, "utf8").trim().split(" ");
  assert.equal(fs.readFileSync(pidPath, "utf8").trim().split(" ")[0], pid, "gateway.pid: PID START_TIME");
  assert.equal(account, "one");

  const status = await runCao(["gateway", "status", "--json"], { env: env() });
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout);
  assert.equal(report.running, true);
  assert.equal(report.pid, Number(pid));
  assert.equal(report.url, url);
  assert.equal(report.account, "one");
  assert.deepEqual(
    report.accounts.map((a: { name: string }) => a.name),
    ["one"],
  );
  const text = await runCao(["gateway", "status"], { env: env() });
  assert.match(text.stdout, /gateway: running \(pid \d+\)/);

  const token = JSON.parse(fs.readFileSync(path.join(world.dataDir, "one/auth.json"), "utf8")).tokens
    .access_token;
  const answer = await send(`${url}/responses`, token);
  assert.equal(answer.status, 200, answer.text);

  const again = await start();
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`already running \\(pid ${pid}`));
  const foreground = await runCao(["gateway", "start", "--port", "0"], { env: env() });
  assert.equal(foreground.code, 1);
  assert.match(foreground.stderr, /already running/);

  const logs = await runCao(["gateway", "logs"], { env: env() });
  assert.equal(logs.code, 0);
  assert.match(logs.stdout, /gateway listening on http:\/\/127\.0\.0\.1/);
  assert.match(logs.stdout, /POST \/v1\/responses session=session- one 200/);
  assert.ok(!logs.stdout.includes(token), "no token in the log");
  assert.equal(fs.statSync(path.join(world.dataDir, "gateway.log")).mode & 0o777, 0o600);

  const stopped = await runCao(["gateway", "stop"], { env: env() });
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, new RegExp(`stopped the gateway \\(pid ${pid}\\)`));
  assert.ok(!fs.existsSync(statePath), "state file removed");
  assert.ok(!fs.existsSync(pidPath), "pid file removed");
  const after = JSON.parse((await runCao(["gateway", "status", "--json"], { env: env() })).stdout);
  assert.equal(after.running, false);
  assert.match((await runCao(["gateway", "stop"], { env: env() })).stderr, /not running/);
});

test("a stale pid file and state file (the gateway died) are detected and cleaned", async () => {
  const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid;
  fs.writeFileSync(pidPath, `${dead}\n`);
  fs.mkdirSync(path.dirname(statePath), { recursive: true });
  fs.writeFileSync(statePath, `${dead} http://127.0.0.1:1/v1 one\n`);
  const status = JSON.parse((await runCao(["gateway", "status", "--json"], { env: env() })).stdout);
  assert.equal(status.running, false);
  assert.deepEqual([fs.existsSync(pidPath), fs.existsSync(statePath)], [false, false], "pid and state files");
  // A live but unrelated process in the pid file is not taken for the gateway either.
  const stranger = spawn("sleep", ["30"], { stdio: "ignore" });
  fs.writeFileSync(pidPath, `${stranger.pid}\n`);
  const started = await start();
  stranger.kill();
  assert.equal(started.code, 0, started.stderr);
  assert.equal((await runCao(["gateway", "stop"], { env: env() })).code, 0);
});

test("bad settings are refused with a one-line error and exit 2; a corrupt gateway.json exits 3", async () => {
  const cases: [string[], RegExp][] = [
    [["--bind", "0.0.0.0"], /refusing to listen on 0\.0\.0\.0/],
    [["--port", "abc"], /--port must be a whole number from 0 to 65535/],
    [["--cooldown-seconds", "-1"], /--cooldown-seconds must be a whole number/],
    [["--base-url", "ftp://example.com"], /--base-url must be an http\(s\) URL/],
    [["--primary-threshold", "120"], /--primary-threshold must be a whole number from 1 to 100/],
    [["--no-such-flag"], /unknown option --no-such-flag/],
  ];
  for (const [args, message] of cases) {
    const result = await runCao(["gateway", "start", ...args], { env: env() });
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  const file = path.join(world.dataDir, "gateway.json");
  fs.writeFileSync(file, "{ nope");
  const corrupt = await runCao(["gateway", "start"], { env: env() });
  assert.equal(corrupt.code, 3, corrupt.stderr);
  assert.equal(fs.readFileSync(file, "utf8"), "{ nope", "left untouched");
  fs.rmSync(file);
});

test("--save remembers the settings for the next start", async () => {
  const saved = await start("--cooldown-seconds", "300", "--upstream-retries", "1", "--save");
  assert.equal(saved.code, 0, saved.stderr);
  assert.equal((await runCao(["gateway", "stop"], { env: env() })).code, 0);
  const config = JSON.parse(fs.readFileSync(path.join(world.dataDir, "gateway.json"), "utf8"));
  assert.equal(config.cooldownSeconds, 300);
  assert.equal(config.upstreamRetries, 1);
  assert.equal(config.baseUrl, backend.upstreamBaseUrl);
  assert.equal(config.port, 0);
  fs.rmSync(path.join(world.dataDir, "gateway.json"));
});

test("a port already in use: both starts say so in one line", async () => {
  const blocker = http.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = String((blocker.address() as AddressInfo).port);
  try {
    const detached = await runCao(["gateway", "start", "--detach", "--port", port], { env: env() });
    assert.equal(detached.code, 1);
    assert.match(
      detached.stderr,
      new RegExp(`the gateway did not start: port ${port} on 127\\.0\\.0\\.1 is already in use`),
    );
    const foreground = await runCao(["gateway", "start", "--port", port], { env: env() });
    assert.equal(foreground.code, 1);
    assert.match(foreground.stderr, /is already in use/);
    assert.ok(!fs.existsSync(pidPath), "the pid file was released");
  } finally {
    blocker.close();
  }
});

test("logs --follow prints what is appended until interrupted; -n limits the backlog", async () => {
  const log = path.join(world.dataDir, "gateway.log");
  fs.writeFileSync(log, "old 1\nold 2\nold 3\n", { mode: 0o600 });
  const last = await runCao(["gateway", "logs", "-n", "1"], { env: env() });
  assert.equal(last.stdout, "old 3\n");
  const follower = spawn(process.execPath, [caoBin, "gateway", "logs", "--follow", "--lines", "1"], {
    env: env(),
  });
  let out = "";
  follower.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  // The backlog is printed once the follower has read the file up to its end: from then on an
  // appended line must show up (no fixed wait that a busy machine can outlast).
  await waitUntil(() => out === "old 3\n", { describe: () => `follower printed ${JSON.stringify(out)}` });
  fs.appendFileSync(log, "new line\n");
  await waitUntil(() => out.includes("new line"), {
    describe: () => `follower printed ${JSON.stringify(out)}`,
  });
  follower.kill("SIGINT");
  const code = await new Promise((resolve) => follower.on("close", resolve));
  assert.equal(out, "old 3\nnew line\n");
  assert.equal(code, 0);
  fs.rmSync(log);
});

test("no accounts: the gateway does not start", async () => {
  const empty = tempWorld();
  const result = await runCao(["gateway", "start", "--port", "0"], { env: empty.env });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no accounts to route to/);
});
