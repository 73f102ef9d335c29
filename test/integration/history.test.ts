import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fakeCodexConfigToml } from "../../src/demo/fake-backend/codex-home.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { DEFAULT_GATEWAY_CONFIG } from "../../src/gateway/config.js";
import { startGateway } from "../../src/gateway/server.js";
import { runCao, runProcess } from "../helpers/cli.js";
import { codexPathDir } from "../helpers/real-codex.js";
import { tempWorld } from "../helpers/temp.js";

/**
 * History across the gateway, with the real codex started by the PATH shim:
 * the gateway route keeps Codex's built-in provider id (`openai`), so
 * `resume --last` finds conversations started before the gateway was enabled,
 * and after it is disabled again finds those made through it.
 */
let backend: FakeBackend;
before(async () => {
  backend = await startFakeBackend({
    websocket: true,
    accounts: [{ accountId: "acc-h1", email: "h1@example.com" }],
  });
});
after(() => backend.close());

function sessionFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".jsonl"))
    .map((file) => path.join(dir, file))
    .sort();
}

function providerOf(file: string): unknown {
  const meta = JSON.parse(fs.readFileSync(file, "utf8").split("\n")[0] ?? "{}") as {
    payload?: { model_provider?: unknown };
  };
  return meta.payload?.model_provider;
}

test("resume --last sees conversations from before and after enabling the gateway", async () => {
  const world = tempWorld();
  const home = path.join(world.dataDir, "h1");
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(world.dataDir, "registry.json"),
    JSON.stringify({ default_account: "h1", accounts: ["h1"] }),
  );
  fs.writeFileSync(path.join(home, "auth.json"), JSON.stringify(backend.mintAuth("acc-h1").authJson), {
    mode: 0o600,
  });
  // The account's config sends codex straight to the fake backend; the gateway route overrides it per call.
  fs.writeFileSync(path.join(home, "config.toml"), fakeCodexConfigToml(backend));
  fs.mkdirSync(path.join(world.dataDir, ".state"), { recursive: true });
  fs.writeFileSync(path.join(world.dataDir, ".state/default"), "h1\n");
  const shims = path.join(world.root, "shims");
  const cwd = path.join(world.root, "project");
  fs.mkdirSync(cwd);
  const env: NodeJS.ProcessEnv = {
    ...world.env,
    PATH: [shims, codexPathDir(), path.dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl,
  };
  // Safety net: any codex run that misses the account home still lands on the fake backend.
  fs.mkdirSync(world.codexHome, { recursive: true });
  fs.writeFileSync(path.join(world.codexHome, "config.toml"), fakeCodexConfigToml(backend));
  const codex = async (...args: string[]) => {
    const result = await runProcess("codex", ["exec", ...args], { env, cwd, timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    return result.stdout;
  };
  const sessions = () => sessionFiles(path.join(home, "sessions"));
  const viaGateway: string[] = [];
  const gatewayLog = (line: string) => viaGateway.push(line);

  assert.equal((await runCao(["gateway", "enable", "--shims-dir", shims], { env })).code, 0);
  // 1. The gateway is enabled but not running: codex runs directly.
  assert.match(await codex("--skip-git-repo-check", "before the gateway"), /before the gateway/);
  const [first] = sessions();
  assert.ok(first);

  // 2. Through the running gateway, resume --last continues that conversation.
  const gateway = await startGateway({
    config: { ...DEFAULT_GATEWAY_CONFIG, port: 0, baseUrl: backend.upstreamBaseUrl },
    dir: world.dataDir,
    log: gatewayLog,
    publishState: true,
    refreshUrl: backend.refreshUrl,
  });
  try {
    await codex("resume", "--last", "--skip-git-repo-check", "continued through the gateway");
    assert.deepEqual(sessions(), [first], "resumed, not a new session");
    assert.match(fs.readFileSync(first, "utf8"), /continued through the gateway/);
    assert.ok(
      viaGateway.some((line) => line.includes("/v1/models")),
      "codex went through the gateway",
    );

    // 3. A new conversation through the gateway.
    await codex("--skip-git-repo-check", "started through the gateway");
  } finally {
    await gateway.close();
  }
  const second = sessions().find((file) => file !== first);
  assert.ok(second, "a second session");

  // 4. Gateway disabled (shim gone): codex in the account home, as the shell wrapper runs it, resume --last
  // finds the conversation made through the gateway.
  assert.equal((await runCao(["gateway", "disable"], { env })).code, 0);
  assert.equal(fs.existsSync(path.join(shims, "codex")), false);
  Object.assign(env, { CODEX_HOME: home, CODEX_SQLITE_HOME: world.codexHome });
  await codex("resume", "--last", "--skip-git-repo-check", "continued directly");
  assert.match(fs.readFileSync(second, "utf8"), /continued directly/);
  assert.equal(sessions().length, 2);
  for (const file of sessions()) assert.equal(providerOf(file), "openai", file);
});
