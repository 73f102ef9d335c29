import fs from "node:fs";
import path from "node:path";
import { ensurePrivateDir } from "../core/atomic-write.js";
import { CaoError, errnoCode } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { isProcessAlive, readGatewayState, removeGatewayState } from "../core/gateway-state.js";
import { dataDir } from "../core/paths.js";
import { isSameProcess, processStartTime } from "../core/process-identity.js";
import { maxLogBytes, openLogForAppend, rotateIfLarge } from "./log-file.js";

/**
 * The gateway's process files in the data dir: `gateway.pid` (created with
 * O_EXCL, so it is also the "only one gateway" lock) and `gateway.log` (the
 * detached gateway's output, what `cao gateway logs` shows).
 */
export const pidFilePath = (dir = dataDir()): string => path.join(dir, "gateway.pid");
export const logFilePath = (dir = dataDir()): string => path.join(dir, "gateway.log");

/** What gateway.pid says: nothing, a pid (with its start time where /proc exists), or junk (what and why). */
export type PidFileRead =
  | { kind: "missing" }
  | { kind: "pid"; pid: number; startTime: string | undefined }
  | { kind: "junk"; problem: string };

export function readPidFile(dir = dataDir()): PidFileRead {
  let text: string;
  try {
    text = fs.readFileSync(pidFilePath(dir), "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { kind: "missing" };
    return { kind: "junk", problem: `unreadable (${errnoCode(error) ?? "read error"})` };
  }
  const [pidText, startTime] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!text.trim())
    return { kind: "junk", problem: "empty (left by a start that failed, e.g. on a full disk)" };
  if (!Number.isInteger(pid) || pid <= 0 || (startTime !== undefined && !/^\d+$/.test(startTime))) {
    return { kind: "junk", problem: `holds no pid (${JSON.stringify(text.slice(0, 40))})` };
  }
  return { kind: "pid", pid, startTime };
}

/** The pid of the running gateway, or undefined; stale files (dead, reused or foreign pid, junk) are cleaned. */
export function runningGatewayPid(dir = dataDir()): number | undefined {
  const read = readPidFile(dir);
  if (read.kind === "pid" && isSameProcess(read.pid, read.startTime) && looksLikeGateway(read.pid)) {
    return read.pid;
  }
  if (read.kind !== "missing") fs.rmSync(pidFilePath(dir), { force: true });
  const state = readGatewayState(dir);
  if (state && !(isProcessAlive(state.pid) && looksLikeGateway(state.pid))) removeGatewayState(dir);
  return undefined;
}

/**
 * Takes the pid file for this process, or explains which gateway already
 * runs. The file is written in full first and then linked into place (link
 * fails if it exists), so it is never seen empty: an empty or junk file is
 * always left over from a failed start and is cleaned like a stale pid.
 */
export function acquirePidFile(dir = dataDir(), pid = process.pid): void {
  ensurePrivateDir(dir);
  const file = pidFilePath(dir);
  const tmp = `${file}.${pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${`${pid} ${processStartTime(pid) ?? ""}`.trim()}\n`, { mode: 0o600 });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.linkSync(tmp, file);
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
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  throw new CaoError(`could not take ${file}`, ExitCode.failure, "remove it if no gateway is running");
}

export function releasePidFile(dir = dataDir(), pid = process.pid): void {
  const read = readPidFile(dir);
  if (read.kind === "pid" && read.pid === pid) fs.rmSync(pidFilePath(dir), { force: true });
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
