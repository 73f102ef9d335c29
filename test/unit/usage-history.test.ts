import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { updateAccountStatus } from "../../src/core/status-update.js";
import {
  compact,
  historyPath,
  loadHistory,
  MAX_AGE_MS,
  MAX_SAMPLES,
  type Sample,
} from "../../src/core/usage-history.js";
import { takeWarnings } from "../../src/core/warnings.js";
import { tempWorld } from "../helpers/temp.js";

const NOW = Date.UTC(2026, 11, 3, 12);
const MIN = 60_000;
const s = (t: number, p: number, reset = NOW + 3_600_000): Sample => [t, p, reset, 10, NOW + 86_400_000];

test("compaction: flat runs keep both ends, old samples are thinned per bucket, resets kept, age and count capped", () => {
  const flat = [s(NOW - 30 * MIN, 5), s(NOW - 20 * MIN, 5), s(NOW - 10 * MIN, 5), s(NOW, 6)];
  assert.deepEqual(
    compact(flat, NOW).map((x) => x[0]),
    [NOW - 30 * MIN, NOW - 10 * MIN, NOW],
  );

  // Two days ago, one sample a minute for an hour, crossing a reset at the half hour.
  const old = NOW - 2 * 86_400_000;
  const minutes = Array.from({ length: 60 }, (_, i) =>
    s(old + i * MIN, i < 30 ? i : i - 30, i < 30 ? old + 30 * MIN : old + 330 * MIN),
  );
  const thinned = compact(minutes, NOW);
  assert.ok(thinned.length <= 14 && thinned.length >= 12, `one per 5 minutes: ${thinned.length}`);
  assert.ok(
    thinned.some((x) => x[2] === old + 30 * MIN) && thinned.some((x) => x[2] === old + 330 * MIN),
    "both windows kept",
  );

  assert.deepEqual(
    compact([s(NOW - MAX_AGE_MS - 1, 1), s(NOW, 2)], NOW).length,
    1,
    "older than 28 days dropped",
  );
  const many = Array.from({ length: MAX_SAMPLES + 500 }, (_, i) =>
    s(NOW - (MAX_SAMPLES + 500 - i) * 1000, i % 100),
  );
  const capped = compact(many, NOW);
  assert.equal(capped.length, MAX_SAMPLES);
  assert.equal(capped.at(-1)?.[0], many.at(-1)?.[0], "the newest kept");
});

test("every status update with a new observation lands in the history; it survives a restart and corruption", () => {
  const { dataDir } = tempWorld();
  const observe = (atMs: number, used: number) =>
    updateAccountStatus(
      "a",
      (st) => ({
        ...st,
        rateLimits: {
          observedAtMs: atMs,
          primary: { usedPercent: used, resetsAtMs: Date.now() + 3_600_000 },
        },
      }),
      dataDir,
    );
  const t = Date.now() - 10 * MIN;
  observe(t, 10);
  observe(t + MIN, 12);
  updateAccountStatus("a", (st) => ({ ...st, lastAttemptAtMs: Date.now() }), dataDir); // no observation: nothing added
  assert.deepEqual(
    loadHistory("a", dataDir).map((x) => x[1]),
    [10, 12],
  );
  // A new process (the file is all there is) sees the same.
  assert.deepEqual(JSON.parse(fs.readFileSync(historyPath("a", dataDir), "utf8")).samples.length, 2);
  assert.equal(fs.statSync(historyPath("a", dataDir)).mode & 0o777, 0o600);

  fs.writeFileSync(historyPath("a", dataDir), '{"version":1,"samples":[[1,');
  takeWarnings();
  observe(t + 2 * MIN, 14);
  assert.deepEqual(
    loadHistory("a", dataDir).map((x) => x[1]),
    [14],
    "started fresh",
  );
  assert.match(takeWarnings().join("\n"), /not valid JSON; kept a copy at .*cao-corrupt-/);
  const backups = fs.readdirSync(`${dataDir}/.history`).filter((f) => f.includes(".cao-corrupt-"));
  assert.equal(backups.length, 1);

  // Malformed rows (hand edits, other versions) are dropped, the rest kept.
  fs.writeFileSync(
    historyPath("a", dataDir),
    JSON.stringify({
      version: 1,
      samples: [[t, 1, null, null, null], ["x"], 5, [t + 1, "y", null, 2, null]],
    }),
  );
  assert.deepEqual(loadHistory("a", dataDir), [
    [t, 1, null, null, null],
    [t + 1, null, null, 2, null],
  ]);
});
