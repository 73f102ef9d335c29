import fs from "node:fs";
import { errnoCode } from "./errors.js";

/**
 * A pid alone does not name a process: after a crash or reboot it is reused,
 * possibly by another user's process (and `kill -0` says "alive" for those
 * too). Where /proc exists, a process is named by its pid and its start time
 * (field 22 of /proc/PID/stat, clock ticks since boot), which nobody can fake
 * for a pid they did not get at that moment. Elsewhere (macOS, Windows) only
 * being alive can be checked.
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and ")": split after the last one.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = fields[19];
  return start && /^\d+$/.test(start) ? start : undefined;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but not ours (still alive).
    return errnoCode(error) === "EPERM";
  }
}

/** The process recorded as (pid, start time) still runs; without a recorded start time, only "alive" is known. */
export function isSameProcess(pid: number, startTime: string | undefined): boolean {
  if (!isProcessAlive(pid)) return false;
  if (startTime === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined ? !fs.existsSync("/proc/self/stat") : now === startTime;
}
