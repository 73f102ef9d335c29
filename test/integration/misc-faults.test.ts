import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { Router } from "../../src/gateway/router.js";
import { StatusWriter } from "../../src/gateway/status-writer.js";
import { runCao, runProcess } from "../helpers/cli.js";
import { gatewayWorld } from "../helpers/gateway.js";
import { tempDir, tempWorld } from "../helpers/temp.js";
import { fillDisk, mountTinyDisk } from "../helpers/tiny-disk.js";

/** Issue 10 item 8: the misc list. */

test("a token that lives shorter than --refresh-before-seconds is not refreshed on every request", async () => {
  const w = await gatewayWorld(
    [{ name: "one", accountId: "m-one", email: "one@example.com", accessTtlSeconds: 200 }],
    {
      backend: { accessTokenTtlSeconds: 200 },
      config: { refreshBeforeSeconds: 600, usageCheckSeconds: 3600 },
    },
  );
  for (let i = 0; i < 20; i++) assert.equal((await w.post("one", { session: `r${i}` })).status, 200);
  assert.equal(w.backend.refreshCount.get("m-one"), 1, "refreshes for 20 requests");
  assert.deepEqual(w.backend.reuseDetected, []);
});

test("two equally used accounts: new sessions do not flip between them on every response", () => {
  const changes: string[] = [];
  const router = new Router(
    ["a", "b"],
    {
      primaryThreshold: 95,
      secondaryThreshold: 98,
      cooldownMs: 60_000,
      problem: () => undefined,
      onPreferredChange: (account) => changes.push(account ?? "-"),
    },
    {},
    new StatusWriter(tempDir(), 60_000),
  );
  const now = Date.now();
  for (let i = 0; i < 100; i++) {
    // Same usage; the rolling reset time moves a little with every answer, each account in turn.
    const account = i % 2 ? "a" : "b";
    router.recordRateLimits(account, {
      primary: { usedPercent: 40, windowMinutes: 300, resetsAtMs: now + 3_600_000 + i * 1000 },
      observedAtMs: now,
    });
  }
  assert.ok(changes.length <= 2, `${changes.length} flips: ${changes.join(" ")}`);
});

test("gateway enable --config keeps a UTF-8 BOM first; disable restores the file byte for byte; backups are pruned", async () => {
  const world = tempWorld();
  const shims = path.join(world.root, "shims");
  const config = path.join(world.codexHome, "config.toml");
  fs.mkdirSync(world.codexHome, { recursive: true });
  const original = '\uFEFFmodel = "gpt-5"\n';
  fs.writeFileSync(config, original);
  for (let round = 0; round < 5; round++) {
    const enabled = await runCao(["gateway", "enable", "--config", "--shims-dir", shims], { env: world.env });
    assert.equal(enabled.code, 0, enabled.stderr);
    const text = fs.readFileSync(config, "utf8");
    // The BOM stays the first byte, the block comes right after it (root keys go before tables).
    assert.ok(text.startsWith("\uFEFF# >>> cao gateway"), JSON.stringify(text.slice(0, 40)));
    assert.equal(text.split("\uFEFF").length, 2, "one BOM");
    assert.match(text, /openai_base_url/);
    assert.match(text, /\nmodel = "gpt-5"\n/);
    const disabled = await runCao(["gateway", "disable", "--shims-dir", shims], { env: world.env });
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal(fs.readFileSync(config, "utf8"), original);
  }
  const backups = fs
    .readdirSync(world.codexHome)
    .filter((name) => name.startsWith("config.toml.cao-backup-"));
  assert.equal(backups.length, 1, `the newest backup only: ${backups.join(" ")}`);
});

test("--shims-dir: '' and /proc are refused (exit 2); under umask 000 the shims dir is not world-writable", async () => {
  const world = tempWorld();
  for (const dir of ["", "/proc/self/cao-shims"]) {
    const result = await runCao(["gateway", "enable", "--shims-dir", dir], {
      env: world.env,
      timeoutMs: 20_000,
    });
    assert.equal(result.code, 2, `${JSON.stringify(dir)}: ${result.stderr}`);
    assert.match(result.stderr, /--shims-dir/);
  }
  const shims = path.join(world.root, "new", "shims");
  const result = await runProcess(
    "sh",
    [
      "-c",
      'umask 000 && exec "$@"',
      "sh",
      process.execPath,
      ...["dist/bin/cao.cjs", "gateway", "enable", "--shims-dir", shims],
    ],
    {
      env: world.env,
    },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fs.statSync(shims).mode & 0o777, 0o755);
});

test("file-system errors are one line with the cause and a hint, not `internal error`", async () => {
  const world = tempWorld();
  const result = await runCao(["add", "x", "--no-login"], { env: { ...world.env, CAO_HOME: "/dev/null" } });
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.stderr, /internal error/);
  assert.match(result.stderr, /\/dev\/null: it exists and is not a directory \(EEXIST\)\n {2}hint: /);
});

test("a full disk does not stop `cao run`: codex starts, its exit status stands, the lost record is a warning", async (t) => {
  const world = tempWorld();
  const skip = mountTinyDisk(world.dataDir);
  if (skip) {
    t.skip(skip.reason);
    return;
  }
  const bin = path.join(world.root, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "codex"), '#!/bin/sh\necho "FAKE-CODEX $*"\n', { mode: 0o755 });
  const env = { ...world.env, CAO_CODEX_BIN: path.join(bin, "codex") };
  assert.equal((await runCao(["add", "one", "--no-login"], { env })).code, 0);
  fs.writeFileSync(
    path.join(world.dataDir, "one", "auth.json"),
    '{"tokens":{"access_token":"x","refresh_token":"y"}}',
  );
  fillDisk(world.dataDir);
  const run = await runCao(["run", "--", "hello"], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /FAKE-CODEX hello/);
  assert.match(run.stderr, /could not record this run of one in the status file: .*ENOSPC/);
});
