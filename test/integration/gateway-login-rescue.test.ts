import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { readGatewayState } from "../../src/core/gateway-state.js";
import { authPath } from "../../src/core/paths.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { registerFakeAccounts, writeSandboxCodexConfig } from "../../src/demo/sandbox.js";
import { runCao } from "../helpers/cli.js";
import { waitUntil } from "../helpers/deadline.js";
import { detachedStartArgs, send } from "../helpers/gateway.js";
import { tempWorld } from "../helpers/temp.js";
import { fillDisk, mountTinyDisk } from "../helpers/tiny-disk.js";

/**
 * Issue 10 item 1, the part after the gateway: a login whose rotated tokens
 * the data dir's disk refused must survive `gateway stop`, a crash and
 * kill -9. The gateway keeps a rescue copy on another file system and takes
 * it back at its next start; where no rescue copy can be written, `gateway
 * stop` refuses to lose the login unless forced. Real detached gateways, a
 * real 1 MB tmpfs as the data dir, a fake OAuth server that revokes on reuse.
 */

interface RescueWorld {
  world: ReturnType<typeof tempWorld>;
  backend: FakeBackend;
  env: NodeJS.ProcessEnv;
  skip?: string;
}

async function rescueWorld(): Promise<RescueWorld> {
  const world = tempWorld();
  const skip = mountTinyDisk(world.dataDir)?.reason;
  const backend = await startFakeBackend({ accounts: [{ accountId: "r-one", email: "one@example.com" }] });
  after(() => backend.close());
  const env = { ...world.env, CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl };
  after(() => runCao(["gateway", "stop", "--force"], { env }));
  process.env.CAO_MAIN_CODEX_HOME = world.codexHome;
  writeSandboxCodexConfig(backend, world.codexHome);
  registerFakeAccounts(backend, world.dataDir, [{ name: "one", accountId: "r-one" }]);
  return { world, backend, env, ...(skip && { skip }) };
}

const startGateway = async (w: RescueWorld) => {
  const started = await runCao(detachedStartArgs(w.backend.upstreamBaseUrl), { env: w.env });
  assert.equal(started.code, 0, started.stdout + started.stderr);
};

const refreshToken = (file: string): string => JSON.parse(fs.readFileSync(file, "utf8")).tokens.refresh_token;
const gatewayLog = (w: RescueWorld) => fs.readFileSync(path.join(w.world.dataDir, "gateway.log"), "utf8");

/** One request the upstream answers 401: the gateway refreshes (the server rotates the refresh token). */
async function forceRefresh(w: RescueWorld, round: number): Promise<void> {
  const url = readGatewayState(w.world.dataDir)?.url;
  assert.ok(url, "the gateway recorded its URL");
  const file = authPath("one", w.world.dataDir);
  const caller = JSON.parse(fs.readFileSync(file, "utf8")).tokens.access_token;
  w.backend.injectFault({ kind: "status", status: 401, accountId: "r-one" });
  const answer = await send(`${url}/responses`, caller);
  assert.equal(answer.status, 200, `refresh ${round}: ${answer.text}`);
  assert.equal(w.backend.refreshCount.get("r-one"), round, `refresh ${round}: refreshes`);
  assert.deepEqual(w.backend.reuseDetected, [], `refresh ${round}: a superseded refresh token was sent`);
}

test("a login the disk refused survives kill -9 of the gateway: the rescue copy is restored at the next start", async (t) => {
  const w = await rescueWorld();
  if (w.skip) return t.skip(w.skip);
  await startGateway(w);
  const file = authPath("one", w.world.dataDir);
  const beforeFull = refreshToken(file);
  const filler = fillDisk(w.world.dataDir);
  await forceRefresh(w, 1);
  assert.equal(refreshToken(file), beforeFull, "the disk really refused the write");

  const rescues = fs.readdirSync(w.world.rescueDir);
  assert.equal(rescues.length, 1, `one rescue copy: ${rescues}`);
  const rescueFile = path.join(w.world.rescueDir, rescues[0] as string);
  assert.equal(fs.statSync(w.world.rescueDir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(rescueFile).mode & 0o777, 0o600);
  const rescued = JSON.parse(fs.readFileSync(rescueFile, "utf8")).auth.tokens.refresh_token;
  assert.notEqual(rescued, beforeFull, "the rescue copy holds the rotated refresh token");
  // The log is on the full disk too: `cao status` (it asks the gateway) is where the user sees it.
  const status = await runCao(["status", "--compact"], { env: w.env });
  assert.match(
    status.stdout,
    new RegExp(`lives only in the gateway's memory .*a rescue copy at ${rescueFile}`),
    status.stdout,
  );

  // The worst way to stop: no chance to save anything at exit.
  const pid = Number(fs.readFileSync(path.join(w.world.dataDir, "gateway.pid"), "utf8").split(" ")[0]);
  process.kill(pid, "SIGKILL");
  await waitUntil(
    () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    { describe: () => `gateway ${pid} still alive` },
  );
  const doctor = await runCao(["status", "--doctor", "--json"], { env: w.env });
  const issue = JSON.parse(doctor.stdout).issues.find(
    (i: { code: string }) => i.code === "login-rescue-copy",
  );
  assert.ok(issue, `the doctor names the rescue copy: ${doctor.stdout}`);
  assert.equal(doctor.code, 2, doctor.stdout);

  fs.rmSync(filler);
  await startGateway(w);
  await waitUntil(() => fs.existsSync(file) && refreshToken(file) === rescued, {
    describe: () =>
      `auth.json holds ${refreshToken(file) === beforeFull ? "the dead token" : "another token"}`,
  });
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(w.world.rescueDir), [], "the rescue copy is gone once auth.json holds it");
  assert.match(gatewayLog(w), /taken back from the rescue copy/);

  // The login is alive: the next refresh sends the rescued token, not the dead one.
  await forceRefresh(w, 2);
  const after = await runCao(["status", "--doctor", "--json"], { env: w.env });
  const codes = JSON.parse(after.stdout).issues.map((i: { code: string }) => i.code);
  assert.ok(!codes.includes("login-rescue-copy") && !codes.includes("needs-login"), after.stdout);
});

test("with nowhere to keep a rescue copy, `gateway stop` refuses to lose the login; --force stops", async (t) => {
  const w = await rescueWorld();
  if (w.skip) return t.skip(w.skip);
  // A rescue dir others can write to (as if another local user planted it) is never used.
  fs.mkdirSync(w.world.rescueDir, { mode: 0o777 });
  fs.chmodSync(w.world.rescueDir, 0o777);
  await startGateway(w);
  const filler = fillDisk(w.world.dataDir);
  after(() => fs.rmSync(filler, { force: true }));
  await forceRefresh(w, 1);
  assert.deepEqual(fs.readdirSync(w.world.rescueDir), [], "nothing written to a dir others can write");
  const status = await runCao(["status", "--compact"], { env: w.env });
  assert.match(
    status.stdout,
    /lives only in the gateway's memory .*no rescue copy could be written/,
    status.stdout,
  );

  const refused = await runCao(["gateway", "stop"], { env: w.env });
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(
    refused.stderr,
    /^error: the login of one lives only in the gateway's memory .*stopping now loses it$/m,
  );
  assert.ok(readGatewayState(w.world.dataDir), "the gateway still runs");

  const forced = await runCao(["gateway", "stop", "--force"], { env: w.env });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readGatewayState(w.world.dataDir), undefined, "the gateway stopped");
});
