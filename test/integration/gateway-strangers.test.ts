import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { processStartTime } from "../../src/core/process-identity.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { registerFakeAccounts, writeSandboxCodexConfig } from "../../src/demo/sandbox.js";
import { formatLogLine, MAX_LINE_CHARS, RotatingLog } from "../../src/gateway-process/log-file.js";
import { caoBin, runCao, runProcess } from "../helpers/cli.js";
import { eventually, send } from "../helpers/gateway.js";
import { otherUser } from "../helpers/other-user.js";
import { tempDir, tempWorld } from "../helpers/temp.js";

/** Issue 10 items 2 and 3: what another local user can do to a running gateway. */
let backend: FakeBackend;
const world = tempWorld();
const LOG_MAX = 64 * 1024;
const env = () => ({
  ...world.env,
  CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl,
  CAO_GATEWAY_LOG_MAX_BYTES: String(LOG_MAX),
});
const logPath = path.join(world.dataDir, "gateway.log");
const startArgs = () => [
  "gateway",
  "start",
  "--detach",
  "--port",
  "0",
  "--base-url",
  backend.upstreamBaseUrl,
];

before(async () => {
  backend = await startFakeBackend({ accounts: [{ accountId: "s-one", email: "one@example.com" }] });
  process.env.CAO_MAIN_CODEX_HOME = world.codexHome;
  writeSandboxCodexConfig(backend, world.codexHome);
  registerFakeAccounts(backend, world.dataDir, [{ name: "one", accountId: "s-one" }]);
});
after(async () => {
  await runCao(["gateway", "stop"], { env: env() });
  await backend.close();
});

const FLOOD = `
const http = require("node:http");
const [url, count] = [process.argv[2], Number(process.argv[3])];
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
let done = 0, statuses = {};
const long = "x".repeat(4000);
for (let i = 0; i < count; i++) {
  const req = http.request(url + "/responses?junk=" + long + i, { method: "POST", agent,
    headers: { authorization: "Bearer stranger-" + i, "content-type": "application/json" } }, (res) => {
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    res.resume();
    res.on("end", () => { if (++done === count) { console.log(JSON.stringify(statuses)); agent.destroy(); } });
  });
  req.on("error", (e) => { statuses[e.code] = (statuses[e.code] ?? 0) + 1; if (++done === count) console.log(JSON.stringify(statuses)); });
  req.end("{}");
}
`;

test("a stranger's flood of unauthorized requests: a handful of short lines and one summary, not one line each", async (t) => {
  const stranger = otherUser();
  if ("reason" in stranger) {
    t.skip(stranger.reason);
    return;
  }
  const started = await runCao(startArgs(), { env: env() });
  assert.equal(started.code, 0, started.stderr);
  const url = fs.readFileSync(path.join(world.dataDir, ".state/gateway"), "utf8").trim().split(" ")[1] ?? "";
  const before = fs.statSync(logPath).size;
  const flood = await stranger.node(FLOOD, [url, "2000"], 120_000);
  assert.deepEqual(JSON.parse(flood.stdout), { 401: 2000 }, flood.stderr);
  const stopped = await runCao(["gateway", "stop"], { env: env() });
  assert.equal(stopped.code, 0, stopped.stderr);
  const added = fs.readFileSync(logPath, "utf8").slice(before);
  const lines = added.split("\n").filter((line) => line.includes("unauthorized"));
  assert.ok(lines.length <= 5, `${lines.length} lines for 2000 requests:\n${lines.slice(0, 10).join("\n")}`);
  assert.ok(
    lines.some((line) => /1997 more unauthorized requests/.test(line)),
    `no summary line:\n${lines.join("\n")}`,
  );
  for (const line of lines) assert.ok(line.length < 400, `a ${line.length}-char line`);
  assert.ok(added.length < 4000, `the flood added ${added.length} bytes to gateway.log`);
});

test("log lines: control characters cannot forge lines, long lines are cut", () => {
  const line = formatLogLine(
    `GET /v1/x\n2026-01-01T00:00:00.000Z refreshed the token of one${"y".repeat(5000)}`,
  );
  assert.equal(line.split("\n").length, 2, line.slice(0, 200));
  assert.ok(line.length < MAX_LINE_CHARS + 100, `${line.length} chars`);
  assert.match(line, /\(5\d{3} chars\)\n$/);
});

test("gateway.log rotates by size while the gateway runs, and never follows a planted symlink", () => {
  const dir = tempDir();
  const file = path.join(dir, "gateway.log");
  const target = path.join(dir, "elsewhere.txt");
  fs.writeFileSync(target, "not a log\n");
  fs.symlinkSync(target, file);
  const log = new RotatingLog(file, 4096);
  assert.equal(fs.readFileSync(target, "utf8"), "not a log\n");
  assert.ok(
    fs.readdirSync(dir).some((name) => name.startsWith("gateway.log.symlink-")),
    "the planted link is kept aside",
  );
  for (let i = 0; i < 500; i++) log.write(formatLogLine(`line ${i} ${"z".repeat(80)}`));
  const size = fs.statSync(file).size;
  const rotated = fs.statSync(`${file}.1`).size;
  assert.ok(size <= 4096 && rotated <= 4096, `gateway.log ${size} bytes, gateway.log.1 ${rotated} bytes`);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.match(fs.readFileSync(file, "utf8"), /line 499 /);
  assert.equal(fs.readFileSync(target, "utf8"), "not a log\n");
});

const HOLD_SOCKETS = `
const net = require("node:net");
const [port, idle, slow] = process.argv.slice(2).map(Number);
const sockets = [];
let closed = 0, opened = 0, errors = {};
const done = () => { console.log(JSON.stringify({ opened, closed, errors })); process.exit(0); };
for (let i = 0; i < idle + slow; i++) {
  const s = net.connect(port, "127.0.0.1");
  s.on("connect", () => opened++);
  s.on("error", (e) => { errors[e.code] = (errors[e.code] ?? 0) + 1; });
  s.on("close", () => { if (++closed === idle + slow) done(); });
  if (i >= idle) {
    // Slowloris: a header byte now and then, never the end of the headers.
    s.on("connect", () => s.write("POST /v1/responses HTTP/1.1\\r\\nHost: x\\r\\n"));
    const t = setInterval(() => s.writable ? s.write("X") : clearInterval(t), 1000);
  }
  sockets.push(s);
}
setTimeout(done, Number(process.env.HOLD_MS));
`;

test("another user holding hundreds of sockets under a low fd limit: the user's requests still pass, nothing is charged to the account, slow sockets are closed", async (t) => {
  const stranger = otherUser();
  if ("reason" in stranger) {
    t.skip(stranger.reason);
    return;
  }
  // A gateway with only 256 file descriptors, as a small ulimit leaves it.
  const started = await runProcess(
    "prlimit",
    ["--nofile=256:256", process.execPath, caoBin, ...startArgs()],
    {
      env: env(),
    },
  );
  assert.equal(started.code, 0, started.stderr);
  const url = fs.readFileSync(path.join(world.dataDir, ".state/gateway"), "utf8").trim().split(" ")[1] ?? "";
  const port = new URL(url).port;
  after(() => runCao(["gateway", "stop"], { env: env() }));
  const holdMs = 45_000;
  const held = stranger.node(
    HOLD_SOCKETS.replace("process.env.HOLD_MS", String(holdMs)),
    [port, "400", "5"],
    holdMs + 30_000,
  );
  // Wait until the stranger's sockets are in (the cap has closed the oldest ones).
  const pid = Number(fs.readFileSync(path.join(world.dataDir, "gateway.pid"), "utf8").split(" ")[0]);
  await eventually(
    () => fs.readdirSync(`/proc/${pid}/fd`).length > 100,
    () => `gateway fds: ${fs.readdirSync(`/proc/${pid}/fd`).length}`,
  );
  const token = JSON.parse(fs.readFileSync(path.join(world.dataDir, "one/auth.json"), "utf8")).tokens
    .access_token;
  // While the stranger's connections still pour in, the cap may close the user's newest connection
  // before it has shown its token (src/gateway/connection-guard.ts: "codex reconnects"); the request is sent
  // again as codex sends it, and must then pass.
  const statuses: number[] = [];
  const reconnects: string[] = [];
  for (let i = 0; i < 13; i++) {
    for (let attempt = 1; ; attempt++) {
      try {
        statuses.push((await send(`${url}/responses`, token, `s${i}`)).status);
        break;
      } catch (error) {
        const code = (error as { code?: string }).code ?? String(error);
        if (attempt === 3 || !["UND_ERR_SOCKET", "ECONNRESET"].includes(code)) throw error;
        reconnects.push(`request ${i}: ${code}`);
      }
    }
  }
  assert.deepEqual(
    statuses,
    Array(13).fill(200),
    `the user's own requests (reconnects: ${reconnects.join(", ")})`,
  );
  const report = JSON.parse((await runCao(["gateway", "status", "--json"], { env: env() })).stdout);
  assert.equal(report.accounts[0].lastError, null, JSON.stringify(report.accounts[0]));
  const result = JSON.parse((await held).stdout);
  // Every socket the stranger held was closed by the gateway before the stranger gave up (cap + header timeout).
  assert.equal(result.closed, 405, JSON.stringify(result));
  await runCao(["gateway", "stop"], { env: env() });
});

const LISTEN = `
const net = require("node:net");
let got = "";
const server = net.createServer((s) => s.on("data", (d) => { got += d; s.end("HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\n{}"); }));
server.listen(Number(process.argv[2]), "127.0.0.1", () => console.log("listening"));
setTimeout(() => { console.log(JSON.stringify({ bearer: /authorization: bearer/i.test(got), bytes: got.length })); process.exit(0); }, Number(process.argv[3]));
`;

test("another user takes the gateway's port after a stop: the doctor says so, `cao run --gateway` sends nothing there", async (t) => {
  const stranger = otherUser();
  if ("reason" in stranger) {
    t.skip(stranger.reason);
    return;
  }
  const started = await runCao(startArgs(), { env: env() });
  assert.equal(started.code, 0, started.stderr);
  const statePath = path.join(world.dataDir, ".state/gateway");
  const state = fs.readFileSync(statePath, "utf8");
  const port = new URL(state.split(" ")[1] ?? "").port;
  const shims = path.join(world.root, "shims");
  const enabled = await runCao(["gateway", "enable", "--config", "--shims-dir", shims], { env: env() });
  assert.equal(enabled.code, 0, enabled.stderr);
  assert.match(enabled.stderr, /sends your token to that port without checking who listens/);
  const verified = JSON.parse((await runCao(["status", "--doctor", "--json"], { env: env() })).stdout);
  assert.ok(
    verified.issues.some((i: { code: string }) => i.code === "gateway-config-route"),
    JSON.stringify(verified.issues),
  );
  assert.equal((await runCao(["gateway", "stop"], { env: env() })).code, 0);

  // The stranger listens on the freed port for a while.
  const listener = stranger.node(LISTEN, [port, "8000"], 30_000);
  await eventually(() => {
    const probe = spawnSync("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
    return probe.status === 0;
  });
  const doctor = JSON.parse((await runCao(["status", "--doctor", "--json"], { env: env() })).stdout);
  const stale = doctor.issues.find((i: { code: string }) => i.code === "gateway-config-stale");
  assert.equal(stale?.severity, "error", JSON.stringify(doctor.issues));
  assert.match(stale.message, /ANOTHER PROCESS LISTENS ON THAT PORT/);

  // A state file naming a live process (this test's) but the stranger's port: `cao run --gateway`
  // asks for proof first and starts nothing.
  fs.writeFileSync(
    statePath,
    `${process.pid} http://127.0.0.1:${port}/v1 one ${processStartTime(process.pid)}\n`,
  );
  const run = await runCao(["run", "--gateway", "--", "exec", "hi"], { env: env() });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /could not be verified as your gateway/);
  fs.rmSync(statePath);
  const seen = JSON.parse((await listener).stdout.split("\n")[1] ?? "{}");
  assert.equal(seen.bearer, false, "the stranger received a bearer token");
  await runCao(["gateway", "disable", "--shims-dir", shims], { env: env() });
});
