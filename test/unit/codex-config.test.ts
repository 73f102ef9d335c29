import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { parse as parseToml } from "smol-toml";
import {
  BLOCK_END,
  BLOCK_START,
  userConfigText,
  withoutConfigBlock,
} from "../../src/core/codex-config-block.js";
import { configBlockUrl, withConfigBlock } from "../../src/gateway-setup/codex-config-block.js";
import { runCao } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

const URL = "http://127.0.0.1:4319/v1";

/** Configs users really have: tables first or not, comments, CRLF, no final newline, dotted keys, arrays of tables. */
const CONFIGS = [
  "",
  'model = "gpt-5"\n',
  'model = "gpt-5"',
  '# my settings\nmodel = "o3"\n\n[projects."/home/me/x"]\ntrust_level = "trusted"\n',
  '[mcp_servers.docs]\ncommand = "npx"\nargs = ["-y", "docs"]\n\n[[profiles.fast.list]]\na = 1\n',
  'model = "gpt-5"\r\n[tui]\r\nnotifications = true\r\n',
  'notice = """\n[not a table]\nopenai_base_url = "inside a string"\n"""\n[model_providers.local]\nname = "x"\nbase_url = "http://localhost:1/v1"\n',
];

test("the block round-trips byte for byte and parses to the user's config plus the route", () => {
  for (const original of CONFIGS) {
    const withBlock = withConfigBlock(original, URL);
    assert.ok(withBlock.startsWith(`${BLOCK_START}\n`), JSON.stringify(original));
    assert.ok(withBlock.endsWith(original), JSON.stringify(withBlock));
    const parsed = parseToml(withBlock) as Record<string, unknown>;
    assert.equal(parsed.openai_base_url, URL);
    const { openai_base_url: _route, ...rest } = parsed;
    assert.deepEqual(rest, { ...(parseToml(original) as Record<string, unknown>) });
    assert.equal(withoutConfigBlock(withBlock), original, JSON.stringify(original));
    assert.equal(configBlockUrl(withBlock), URL);
    assert.equal(userConfigText(withBlock), original);
    // Enabling again replaces the block (new URL), never stacks a second one.
    const moved = withConfigBlock(withBlock, "http://127.0.0.1:5000/v1");
    assert.equal(moved.split(BLOCK_START).length, 2);
    assert.equal(configBlockUrl(moved), "http://127.0.0.1:5000/v1");
    assert.equal(withoutConfigBlock(moved), original);
  }
});

test("the block never touches [model_providers.openai] or any table", () => {
  const block = withConfigBlock("", URL);
  assert.doesNotMatch(block, /^\s*\[/m);
  assert.doesNotMatch(block, /model_providers/);
});

test("a user's own openai_base_url is reported, not clobbered; bad TOML and damaged blocks are refused", () => {
  assert.throws(
    () => withConfigBlock('openai_base_url = "https://proxy.example/v1"\n', URL),
    /already sets openai_base_url = "https:\/\/proxy\.example\/v1"; left it as it is/,
  );
  assert.throws(() => withConfigBlock("model = \n", URL), /is not valid TOML/);
  assert.throws(
    () => withoutConfigBlock(`${BLOCK_START}\nopenai_base_url = "x"\n`),
    /damaged cao gateway block/,
  );
  assert.throws(() => withoutConfigBlock(`${BLOCK_END}\n${BLOCK_START}\n`), /damaged cao gateway block/);
  // The marker text inside a user's line is not a marker.
  const quoted = `note = "${BLOCK_START}"\n`;
  assert.equal(withoutConfigBlock(quoted), quoted);
});

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

  // No config before: enable creates one holding only the block, disable removes it again.
  fs.rmSync(world.codexHome, { recursive: true });
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

  fs.writeFileSync(configFile, "model = [\n");
  const bad = await runCao(["gateway", "enable", "--config", "--shims-dir", path.join(world.root, "s")], {
    env: world.env,
  });
  assert.equal(bad.code, 3);
  assert.match(bad.stderr, /is not valid TOML/);
  assert.equal(fs.readFileSync(configFile, "utf8"), "model = [\n");
});

test("account homes copy the user's config without the route (codex gets it per call, only while the gateway runs)", async () => {
  const { syncAccountConfig } = await import("../../src/core/codex-home.js");
  const world = tempWorld();
  fs.mkdirSync(world.codexHome, { recursive: true });
  fs.writeFileSync(path.join(world.codexHome, "config.toml"), withConfigBlock('model = "o3"\n', URL));
  const previous = process.env.CAO_MAIN_CODEX_HOME;
  process.env.CAO_MAIN_CODEX_HOME = world.codexHome;
  try {
    fs.mkdirSync(path.join(world.dataDir, "work"), { recursive: true });
    syncAccountConfig("work", world.dataDir);
  } finally {
    if (previous === undefined) delete process.env.CAO_MAIN_CODEX_HOME;
    else process.env.CAO_MAIN_CODEX_HOME = previous;
  }
  const account = parseToml(fs.readFileSync(path.join(world.dataDir, "work", "config.toml"), "utf8"));
  assert.equal(account.model, "o3");
  assert.equal("openai_base_url" in account, false);
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
