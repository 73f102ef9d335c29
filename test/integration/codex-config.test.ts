import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { configBlockUrl } from "../../src/gateway-setup/codex-config-block.js";
import { CONFIGS } from "../fixtures/codex-configs.js";
import { runCao } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

const URL = "http://127.0.0.1:4319/v1";

test("enable --config / disable through the CLI: backup, atomic write, exact removal", async () => {
  const world = tempWorld();
  const shims = path.join(world.root, "shims");
  const configFile = path.join(world.codexHome, "config.toml");
  fs.mkdirSync(world.codexHome, { recursive: true });
  const original = CONFIGS[3] ?? "";
  fs.writeFileSync(configFile, original, { mode: 0o600 });

  const enabled = await runCao(["gateway", "enable", "--config", "--shims-dir", shims], { env: world.env });
  assert.equal(enabled.code, 0, enabled.stderr);
  const written = fs.readFileSync(configFile, "utf8");
  assert.equal(configBlockUrl(written), URL);
  assert.equal(fs.statSync(configFile).mode & 0o777, 0o600);
  const backups = fs
    .readdirSync(world.codexHome)
    .filter((name) => name.startsWith("config.toml.cao-backup-"));
  assert.equal(backups.length, 1);
  assert.equal(fs.readFileSync(path.join(world.codexHome, backups[0] ?? ""), "utf8"), original);
  assert.deepEqual(
    fs.readdirSync(world.codexHome).filter((name) => name.endsWith(".tmp")),
    [],
  );

  const disabled = await runCao(["gateway", "disable"], { env: world.env });
  assert.equal(disabled.code, 0, disabled.stderr);
  assert.equal(fs.readFileSync(configFile, "utf8"), original);
});

test("enable --config without a config creates one holding only the block; disable removes it again", async () => {
  const world = tempWorld();
  const shims = path.join(world.root, "shims");
  const configFile = path.join(world.codexHome, "config.toml");
  await runCao(["gateway", "enable", "--config", "--shims-dir", shims], { env: world.env });
  assert.equal(configBlockUrl(fs.readFileSync(configFile, "utf8")), URL);
  await runCao(["gateway", "disable"], { env: world.env });
  assert.equal(fs.existsSync(configFile), false);
});

test("enable --config refuses to clobber the user's key and leaves the file alone", async () => {
  const world = tempWorld();
  const configFile = path.join(world.codexHome, "config.toml");
  fs.mkdirSync(world.codexHome, { recursive: true });
  const mine = 'openai_base_url = "https://my-proxy.example/v1"\nmodel = "o3"\n';
  fs.writeFileSync(configFile, mine);
  const result = await runCao(["gateway", "enable", "--config", "--shims-dir", path.join(world.root, "s")], {
    env: world.env,
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /already sets openai_base_url/);
  assert.equal(fs.readFileSync(configFile, "utf8"), mine);
  assert.deepEqual(fs.readdirSync(world.codexHome), ["config.toml"]);
});

test("enable --config refuses a config that is not valid TOML (exit 3) and leaves it alone", async () => {
  const world = tempWorld();
  const configFile = path.join(world.codexHome, "config.toml");
  fs.mkdirSync(world.codexHome, { recursive: true });
  fs.writeFileSync(configFile, "model = [\n");
  const bad = await runCao(["gateway", "enable", "--config", "--shims-dir", path.join(world.root, "s")], {
    env: world.env,
  });
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /is not valid TOML/);
  assert.equal(fs.readFileSync(configFile, "utf8"), "model = [\n");
});

test("cao status --doctor flags a config routed to a gateway that is not running", async () => {
  const world = tempWorld();
  await runCao(["gateway", "enable", "--config", "--shims-dir", path.join(world.root, "s")], {
    env: world.env,
  });
  const doctor = async () => {
    const result = await runCao(["status", "--doctor", "--json"], { env: world.env });
    return (JSON.parse(result.stdout) as { issues: { code: string; message: string }[] }).issues;
  };
  const stale = (await doctor()).find((issue) => issue.code === "gateway-config-stale");
  assert.match(
    stale?.message ?? "",
    /points Codex .* at http:\/\/127\.0\.0\.1:4319\/v1 but no gateway is running there/,
  );
  // A live gateway at that URL (any live pid will do for the state file): no issue.
  fs.writeFileSync(path.join(world.dataDir, ".state/gateway"), `${process.pid} ${URL} work\n`);
  assert.equal(
    (await doctor()).find((issue) => issue.code === "gateway-config-stale"),
    undefined,
  );
});

test("enable run again keeps the earlier shims dir, --config and --autostart, says so, and flags override", async () => {
  const world = tempWorld();
  const shims = path.join(world.root, "shims");
  const configFile = path.join(world.codexHome, "config.toml");
  const enabledLine = () => fs.readFileSync(path.join(world.dataDir, ".state", "gateway-enabled"), "utf8");
  fs.mkdirSync(world.codexHome, { recursive: true });
  fs.writeFileSync(configFile, 'model = "gpt-5"\n');
  const first = await runCao(["gateway", "enable", "--config", "--autostart", "--shims-dir", shims], {
    env: world.env,
  });
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stdout, /kept from/, "nothing to keep the first time");

  const again = await runCao(["gateway", "enable", "--json"], { env: world.env });
  assert.equal(again.code, 0, again.stderr);
  const report = JSON.parse(again.stdout);
  assert.deepEqual(
    [report.shimsDir, report.autostart, report.kept, report.config?.file],
    [shims, true, ["shims-dir", "config", "autostart"], configFile],
    again.stdout,
  );
  assert.equal(configBlockUrl(fs.readFileSync(configFile, "utf8")), URL);
  assert.equal(enabledLine(), "autostart\n");
  const plain = await runCao(["gateway", "enable"], { env: world.env });
  assert.match(
    plain.stdout,
    new RegExp(`kept from the last enable: --shims-dir ${shims} --config --autostart`),
  );

  // Given flags win: no config, no autostart, another shims dir (the old shims go).
  const moved = path.join(world.root, "moved");
  const changed = await runCao(["gateway", "enable", "--no-config", "--no-autostart", "--shims-dir", moved], {
    env: world.env,
  });
  assert.equal(changed.code, 0, changed.stderr);
  assert.doesNotMatch(changed.stdout, /kept from/, changed.stdout);
  assert.equal(configBlockUrl(fs.readFileSync(configFile, "utf8")), undefined, "the block is gone");
  assert.equal(enabledLine(), "\n");
  assert.ok(fs.existsSync(path.join(moved, "codex")));
  assert.ok(!fs.existsSync(path.join(shims, "codex")), `old shim removed: ${changed.stdout}`);
  // After disable there is nothing to keep.
  assert.equal((await runCao(["gateway", "disable"], { env: world.env })).code, 0);
  const fresh = await runCao(["gateway", "enable", "--json"], { env: world.env });
  assert.deepEqual(JSON.parse(fresh.stdout).kept, []);
});
