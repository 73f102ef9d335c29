import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { LockBusyError, withFileLock } from "../../src/core/file-lock.js";
import { processStartTime } from "../../src/core/process-identity.js";
import { tempDir } from "../helpers/temp.js";

/** Issue 10 items 7 and 8: locks the gateway never waits for, stale detection beyond kill -0, no temp files left. */

async function liveStranger(): Promise<number> {
  const child = spawn("sleep", ["300"], { stdio: "ignore" });
  after(() => child.kill());
  await new Promise((resolve) => child.once("spawn", resolve));
  return child.pid as number;
}

test("a lock whose pid is alive but was reused (another start time) is stale and broken", async () => {
  const lock = path.join(tempDir(), "status.lock");
  const pid = await liveStranger();
  const real = processStartTime(pid);
  assert.ok(real, "this test needs /proc");
  fs.writeFileSync(lock, `${pid} ${os.hostname()} abcdef ${Number(real) + 12345}`);
  assert.equal(
    withFileLock(lock, () => "got it", { timeoutMs: 0 }),
    "got it",
  );
});

test("a lock held by a live holder (same start time): timeoutMs 0 throws at once instead of waiting", async () => {
  const lock = path.join(tempDir(), "status.lock");
  const pid = await liveStranger();
  fs.writeFileSync(lock, `${pid} ${os.hostname()} abcdef ${processStartTime(pid)}`);
  const started = performance.now();
  assert.throws(() => withFileLock(lock, () => "no", { timeoutMs: 0 }), LockBusyError);
  const tookMs = performance.now() - started;
  assert.ok(tookMs < 1000, `took ${tookMs} ms`);
  assert.equal(fs.existsSync(lock), true, "a live holder's lock stays");
});

test("temp files of lock attempts by dead processes are removed", async () => {
  const dir = tempDir();
  const lock = path.join(dir, "status.lock");
  const dead = spawn("true");
  await new Promise((resolve) => dead.once("exit", resolve));
  const leftover = path.join(dir, `status.lock.${dead.pid}.0123abcd.tmp`);
  const stale = path.join(dir, `status.lock.stale-${dead.pid}-0123abcd`);
  fs.writeFileSync(leftover, "x");
  fs.writeFileSync(stale, "x");
  const pid = await liveStranger();
  const mine = path.join(dir, `status.lock.${pid}.0123abcd.tmp`);
  fs.writeFileSync(mine, "x");
  fs.writeFileSync(lock, `${pid} ${os.hostname()} abcdef ${processStartTime(pid)}`);
  assert.throws(() => withFileLock(lock, () => 0, { timeoutMs: 0 }), LockBusyError);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["status.lock", path.basename(mine)].sort());
});
