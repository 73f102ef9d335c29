import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { registerFakeAccounts, writeSandboxCodexConfig } from "../../src/demo/sandbox.js";
import { runCao } from "../helpers/cli.js";
import { waitUntil } from "../helpers/deadline.js";
import { detachedStartArgs } from "../helpers/gateway.js";
import { tempWorld } from "../helpers/temp.js";

/** Issue 10 item 6 (and the pid half of item 5): gateway.pid that names no running gateway. */
let backend: FakeBackend;
const world = tempWorld();
const env = () => ({ ...world.env, CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl });
const pidPath = path.join(world.dataDir, "gateway.pid");

before(async () => {
  backend = await startFakeBackend({ accounts: [{ accountId: "p-one", email: "one@example.com" }] });
  process.env.CAO_MAIN_CODEX_HOME = world.codexHome;
  writeSandboxCodexConfig(backend, world.codexHome);
  registerFakeAccounts(backend, world.dataDir, [{ name: "one", accountId: "p-one" }]);
});
after(async () => {
  await runCao(["gateway", "stop"], { env: env() });
  await backend.close();
});

const startAndStop = async (what: string) => {
  const started = await runCao(detachedStartArgs(backend.upstreamBaseUrl), { env: env() });
  assert.equal(started.code, 0, `${what}: ${started.stderr}`);
  const [pid, startTime] = fs.readFileSync(pidPath, "utf8").trim().split(" ");
  assert.match(startTime ?? "", /^\d+$/, "gateway.pid records the process start time");
  assert.ok(Number(pid) > 0);
  const stopped = await runCao(["gateway", "stop"], { env: env() });
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.equal(fs.existsSync(pidPath), false);
};

for (const [what, content] of [
  ["empty", ""],
  ["junk", "not a pid\n"],
  ["negative", "-5\n"],
] as const) {
  test(`gateway.pid ${what}: the doctor and gateway status say so, start cleans it`, async () => {
    fs.mkdirSync(world.dataDir, { recursive: true });
    fs.writeFileSync(pidPath, content);
    const doctor = await runCao(["status", "--doctor", "--json"], { env: env() });
    const issue = JSON.parse(doctor.stdout).issues.find(
      (i: { code: string }) => i.code === "gateway-pid-junk",
    );
    assert.ok(issue, doctor.stdout);
    assert.match(issue.message, what === "empty" ? /is empty/ : /holds no pid/);
    const status = await runCao(["gateway", "status", "--json"], { env: env() });
    assert.match(JSON.parse(status.stdout).pidFileProblem ?? "", /removed it/, status.stdout);
    fs.writeFileSync(pidPath, content);
    await startAndStop(what);
  });
}

test("gateway.pid naming a reused pid (a live process called gateway, started at another time) is stale", async () => {
  const impostor = spawn("bash", ["-c", "exec -a gateway sleep 300"], { stdio: "ignore" });
  after(() => impostor.kill());
  await new Promise((resolve) => impostor.once("spawn", resolve));
  // Wait for the exec to take effect (the cmdline is that of `gateway`).
  const cmdline = () => fs.readFileSync(`/proc/${impostor.pid}/cmdline`, "utf8");
  await waitUntil(() => cmdline().startsWith("gateway"), { describe: () => JSON.stringify(cmdline()) });
  fs.writeFileSync(pidPath, `${impostor.pid} 1\n`);
  await startAndStop("reused pid");
  assert.equal(impostor.exitCode, null, "the unrelated process was left alone");
});
