import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CaoError, errnoCode } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { isProcessAlive, isSameProcess, processStartTime } from "./process-identity.js";
import { randomHex } from "./random-id.js";

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms: number): void => {
  Atomics.wait(sleepCell, 0, 0, ms);
};

export interface LockOptions {
  /**
   * Give up after this long (the holder is alive but not letting go). 0: try
   * once and never wait, which is what the gateway's event loop needs (a
   * synchronous wait there would freeze every request).
   */
  timeoutMs?: number;
}

/** The lock is held by a live process and the caller chose not to wait (timeoutMs 0). */
export class LockBusyError extends CaoError {
  constructor(lockFile: string) {
    super(`lock ${lockFile} is busy`, ExitCode.locked, "another cao process is holding it");
  }
}

/**
 * A cross-process mutex made of an O_EXCL lock file holding `pid host nonce`.
 * Critical sections are a read-modify-write of one small JSON file, so waiting
 * is short; a lock whose holder died on this host is broken safely (renamed
 * away first, so two waiters cannot both break it and both win).
 */
export function withFileLock<T>(lockFile: string, fn: () => T, options: LockOptions = {}): T {
  const release = acquire(lockFile, options.timeoutMs ?? 15_000);
  try {
    return fn();
  } finally {
    release();
  }
}

function acquire(lockFile: string, timeoutMs: number): () => void {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true, mode: 0o700 });
  // The start time names this process beyond its pid (a reused pid is not the holder).
  const token = `${process.pid} ${os.hostname()} ${randomHex(12)} ${processStartTime(process.pid) ?? "-"}`;
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (let attempt = 0; ; attempt++) {
    if (tryPublish(lockFile, token)) return () => releaseIfOwned(lockFile, token);
    if (attempt === 0) removeDeadTempFiles(lockFile);
    breakIfStale(lockFile);
    if (timeoutMs === 0) {
      if (attempt === 0) continue; // once more, in case that was a stale lock just broken
      throw new LockBusyError(lockFile);
    }
    if (Date.now() > deadline) {
      throw new CaoError(
        `timed out waiting for lock ${lockFile}`,
        ExitCode.locked,
        "another cao process is holding it; if none is running, delete the file",
      );
    }
    sleepSync(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 25);
  }
}

/**
 * The lock appears with its content already in it (temp file + link, which
 * fails with EEXIST atomically): a waiter never reads a half-written lock and
 * mistakes it for a stale one.
 */
function tryPublish(lockFile: string, token: string): boolean {
  const tmp = `${lockFile}.${process.pid}.${randomHex(8)}.tmp`;
  try {
    // Inside the try: a write that fails half way (ENOSPC) must not leave the temp file behind.
    fs.writeFileSync(tmp, token, { mode: 0o600 });
    fs.linkSync(tmp, lockFile);
    return true;
  } catch (error) {
    if (errnoCode(error) !== "EEXIST") throw error;
    return false;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function releaseIfOwned(lockFile: string, token: string): void {
  try {
    if (fs.readFileSync(lockFile, "utf8") === token) fs.unlinkSync(lockFile);
  } catch {
    // Already gone: nothing to release.
  }
}

function breakIfStale(lockFile: string): void {
  let content: string;
  try {
    content = fs.readFileSync(lockFile, "utf8");
  } catch {
    return;
  }
  if (!isStale(content)) return;
  const aside = `${lockFile}.stale-${process.pid}-${randomHex(8)}`;
  try {
    fs.renameSync(lockFile, aside);
  } catch {
    return;
  }
  // Between our read and the rename another waiter may have broken the stale
  // lock and taken a fresh one; if we moved a live lock, put it back.
  if (fs.readFileSync(aside, "utf8") !== content) {
    try {
      fs.linkSync(aside, lockFile);
    } catch {
      // Someone holds a newer lock already; theirs stands.
    }
  }
  fs.rmSync(aside, { force: true });
}

/**
 * Temp files of lock attempts whose process died between writing and
 * removing them (kill -9): `LOCK.PID.RANDOM.tmp` with a dead PID.
 */
function removeDeadTempFiles(lockFile: string): void {
  const dir = path.dirname(lockFile);
  const prefix = `${path.basename(lockFile)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !(name.endsWith(".tmp") || name.includes(".stale-"))) continue;
    const pid = Number(/^(?:stale-)?(\d+)[.-]/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid))
      fs.rmSync(path.join(dir, name), { force: true });
  }
}

function isStale(content: string): boolean {
  const [pidText, host, , startTime] = content.split(" ");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (host !== os.hostname()) return false;
  // Not `kill -0` alone: a pid reused by another process (maybe another user's, EPERM) is not the holder.
  return !isSameProcess(pid, startTime && startTime !== "-" ? startTime : undefined);
}
