import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { CaoError } from "../../src/core/errors.js";
import { settingsPath } from "../../src/core/paths.js";
import { blockReason, defaultSettings } from "../../src/core/pool-policy.js";
import {
  getSetting,
  loadSettings,
  parseValue,
  SettingsWatcher,
  updateSetting,
} from "../../src/core/settings.js";
import { tempWorld } from "../helpers/temp.js";

const errorOf = (fn: () => unknown): CaoError => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CaoError, String(error));
    return error;
  }
  assert.fail("no error");
};

test("values are checked per key; the error is one line naming the key and the value", () => {
  assert.equal(parseValue("accounts.work.reserve-weekly", "20"), 20);
  assert.equal(parseValue("accounts.work.paused", "true"), true);
  assert.equal(parseValue("routing.strategy", "reset-soonest"), "reset-soonest");
  for (const [key, value, message] of [
    [
      "accounts.work.reserve-weekly",
      "120",
      /^accounts\.work\.reserve-weekly: "120" is not a whole number from 0 to 100$/,
    ],
    ["accounts.work.paused", "yes", /^accounts\.work\.paused: "yes" is not true or false$/],
    ["routing.strategy", "fast", /^routing\.strategy: "fast" is not one of headroom, reset-soonest, listed$/],
    ["routing.nope", "1", /^unknown setting "routing\.nope"$/],
    ["accounts.bad name.paused", "true", /account name/],
  ] as const) {
    const error = errorOf(() => parseValue(key, value));
    assert.match(error.message, message);
    assert.equal(error.exitCode, 2);
  }
});

test("the file: updates keep unknown keys; a broken file is refused with its line, never rewritten", () => {
  const { dataDir } = tempWorld();
  const file = settingsPath(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, '[future]\nthing = "kept"\n');
  updateSetting("accounts.work.reserve-weekly", 20, dataDir);
  updateSetting("accounts.work.paused", true, dataDir);
  updateSetting("accounts.work.paused", undefined, dataDir);
  const settings = loadSettings(dataDir);
  assert.equal(getSetting(settings, "accounts.work.reserve-weekly"), 20);
  assert.equal(getSetting(settings, "accounts.work.paused"), false);
  assert.match(fs.readFileSync(file, "utf8"), /thing = "kept"/);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);

  fs.writeFileSync(file, "[accounts.work]\nmax-5h = 150\n");
  assert.match(
    errorOf(() => loadSettings(dataDir)).message,
    /max-5h = 150 is not a whole number from 0 to 100/,
  );
  fs.writeFileSync(file, "[accounts.work\n");
  const broken = errorOf(() => updateSetting("accounts.work.paused", true, dataDir));
  assert.match(broken.message, /is not valid TOML \(line 1\)/);
  assert.equal(broken.exitCode, 3);
  assert.equal(fs.readFileSync(file, "utf8"), "[accounts.work\n", "left untouched");
});

test("a watcher picks up changes and keeps the last good settings when the file breaks", () => {
  const { dataDir } = tempWorld();
  const messages: string[] = [];
  fs.mkdirSync(dataDir, { recursive: true });
  const watcher = new SettingsWatcher(dataDir, (m) => messages.push(m), 0);
  assert.equal(watcher.get().accounts.a, undefined);
  updateSetting("accounts.a.paused", true, dataDir);
  assert.equal(watcher.get().accounts.a?.paused, true);
  fs.writeFileSync(settingsPath(dataDir), "oops = [\n");
  assert.equal(watcher.get().accounts.a?.paused, true, "kept");
  assert.match(messages.at(-1) ?? "", /keeping the previous settings/);
  assert.ok(path.isAbsolute(settingsPath(dataDir)));
});

test("reserves: a cap of min(max, 100 - reserve) per window; a window past its reset counts from zero", () => {
  const now = Date.now();
  const settings = defaultSettings();
  settings.accounts.w = {
    ...defaultSettings().accounts.w!,
    paused: false,
    priority: 0,
    reserve5h: 0,
    reserveWeekly: 20,
    max5h: 90,
    maxWeekly: 100,
  };
  const limits = (p: number, s: number, resetsAtMs = now + 1000) => ({
    observedAtMs: now,
    primary: { usedPercent: p, resetsAtMs },
    secondary: { usedPercent: s, resetsAtMs },
  });
  assert.equal(blockReason("w", settings, limits(10, 79), now), undefined);
  assert.match(blockReason("w", settings, limits(10, 80), now) ?? "", /weekly reserve \(80% used, cap 80%\)/);
  assert.match(blockReason("w", settings, limits(90, 0), now) ?? "", /5-hour reserve/);
  assert.equal(blockReason("w", settings, limits(95, 95, now - 1), now), undefined, "reset since");
  assert.equal(
    blockReason("other", settings, limits(100, 100), now),
    undefined,
    "no reserve: cooldown's job",
  );
});
