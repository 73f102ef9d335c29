import fs from "node:fs";
import path from "node:path";
import { ensurePrivateDir } from "../core/atomic-write.js";
import { CaoError, errnoCode } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { isProcessAlive, readGatewayState, removeGatewayState } from "../core/gateway-state.js";
import { dataDir } from "../core/paths.js";
import { maxLogBytes, openLogForAppend, rotateIfLarge } from "./log-file.js";

/**
 * The gateway's process files in the data dir: `gateway.pid` (created with
 * O_EXCL, so it is also the "only one gateway" lock) and `gateway.log` (the
 * detached gateway's output, what `cao gateway logs` shows).
 */
export const pidFilePath = (dir = dataDir()): string => path.join(dir, "gateway.pid");
export const logFilePath = (dir = dataDir()): string => path.join(dir, "gateway.log");

/** The pid of the running gateway, or undefined; stale files (dead or foreign pid) are cleaned. */
export function runningGatewayPid(dir = dataDir()): number | undefined {
  const pid = readPid(dir);
  if (pid !== undefined && isProcessAlive(pid) && looksLikeGateway(pid)) return pid;
  if (pid !== undefined) fs.rmSync(pidFilePath(dir), { force: true });
  const state = readGatewayState(dir);
  if (state && !(isProcessAlive(state.pid) && looksLikeGateway(state.pid))) removeGatewayState(dir);
  return undefined;
}

/** Takes the pid file for this process, or explains which gateway already runs. */
export function acquirePidFile(dir = dataDir(), pid = process.pid): void {
  ensurePrivateDir(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(pidFilePath(dir), `${pid}\n`, { flag: "wx", mode: 0o600 });
      return;
    } catch (error) {
      if (errnoCode(error) !== "EEXIST") throw error;
    }
    const running = runningGatewayPid(dir);
    if (running !== undefined && running !== pid) {
      const url = readGatewayState(dir)?.url;
      throw new CaoError(
        `the gateway is already running (pid ${running}${url ? `, ${url}` : ""})`,
        ExitCode.failure,
        "stop it first with `cao gateway stop`",
      );
    }
    if (running === pid) return;
  }
  throw new CaoError(
    `could not take ${pidFilePath(dir)}`,
    ExitCode.failure,
    "remove it if no gateway is running",
  );
}

export function releasePidFile(dir = dataDir(), pid = process.pid): void {
  if (readPid(dir) === pid) fs.rmSync(pidFilePath(dir), { force: true });
}

function readPid(dir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFilePath(dir), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A pid from a file may have been reused by an unrelated process after a
 * crash. Where /proc exists, the process must at least be a cao gateway or
 * demo; elsewhere being alive has to do.
 */
function looksLikeGateway(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return true;
  }
  return cmdline.includes("gateway") || cmdline.includes("demo");
}

/** Opens the log for appending (0600, never through a symlink), rotating it once it grew too large. */
export function openLogFile(dir = dataDir()): number {
  ensurePrivateDir(dir);
  const file = logFilePath(dir);
  rotateIfLarge(file, maxLogBytes());
  return openLogForAppend(file);
}
