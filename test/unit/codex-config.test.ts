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
import { CONFIGS } from "../fixtures/codex-configs.js";
import { tempWorld } from "../helpers/temp.js";

const URL = "http://127.0.0.1:4319/v1";

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

test("a user's own openai_base_url is reported, not clobbered", () => {
  assert.throws(
    () => withConfigBlock('openai_base_url = "https://proxy.example/v1"\n', URL),
    /already sets openai_base_url = "https:\/\/proxy\.example\/v1"; left it as it is/,
  );
});

test("a config that is not valid TOML is refused", () => {
  assert.throws(() => withConfigBlock("model = \n", URL), /is not valid TOML/);
});

test("a damaged block (a start without an end, an end before the start) is refused", () => {
  assert.throws(
    () => withoutConfigBlock(`${BLOCK_START}\nopenai_base_url = "x"\n`),
    /damaged cao gateway block/,
  );
  assert.throws(() => withoutConfigBlock(`${BLOCK_END}\n${BLOCK_START}\n`), /damaged cao gateway block/);
});

test("the marker text inside a user's line is not a marker", () => {
  const quoted = `note = "${BLOCK_START}"\n`;
  assert.equal(withoutConfigBlock(quoted), quoted);
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
