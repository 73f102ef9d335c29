import fs from "node:fs";
import path from "node:path";

/**
 * Who holds Codex's writer lock on a session: `thread-writer-locks/<id>.lock` (shared by every
 * account home), flock()ed by the process writing it, often the app-server daemon of the home whose
 * TUI last served it. Read from Linux's /proc/locks: `"known"` with the pid (undefined: nobody holds
 * it), `"unknown"` where /proc/locks cannot be read (macOS).
 */
export type LockHolder = { kind: "known"; pid: number | undefined } | { kind: "unknown" };

export function threadLockHolder(home: string, sessionId: string, procLocks = "/proc/locks"): LockHolder {
  let table: string;
  try {
    table = fs.readFileSync(procLocks, "utf8");
  } catch {
    return { kind: "unknown" };
  }
  let inode: number;
  try {
    inode = fs.statSync(path.join(home, "thread-writer-locks", `${sessionId}.lock`)).ino;
  } catch {
    return { kind: "known", pid: undefined }; // no lock file: never locked
  }
  return { kind: "known", pid: lockHolderPid(table, inode) };
}

/**
 * The pid holding a lock on `inode` in a /proc/locks table
 * (`9: FLOCK  ADVISORY  WRITE 14756 fe:00:2207254 0 EOF`; `9: -> FLOCK ...` lines are waiters).
 * The inode alone identifies the file: the lock files live on one file system.
 */
export function lockHolderPid(table: string, inode: number): number | undefined {
  for (const line of table.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === "->") continue;
    const device = fields[5]?.split(":");
    if (device?.length === 3 && Number(device[2]) === inode) {
      const pid = Number(fields[4]);
      if (Number.isSafeInteger(pid) && pid > 0) return pid;
    }
  }
  return undefined;
}
