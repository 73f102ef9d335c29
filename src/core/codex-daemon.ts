import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

/**
 * The app-server daemon the Codex TUI (0.169+) starts per CODEX_HOME and
 * leaves running after it exits (docs/codex-notes.md, "The interactive TUI"). Its pid
 * file is `$CODEX_HOME/app-server-daemon/daemon.pid`:
 * `{"pid":N,"processStartTime":"...","processIdentity":{"bootId":"...","startTicks":T},...}`.
 * With one home per account, each account used interactively has its own; it
 * holds the account's login and the threads it served (a session it still holds
 * opens read-only in another home: "This conversation is open in another app").
 */
export interface CodexDaemon {
  home: string;
  pid: number;
  /** Running, and the same process that wrote the pid file (not a reused pid). */
  alive: boolean;
  startedAt?: string;
}

const PID_FILE = path.join("app-server-daemon", "daemon.pid");

export function readCodexDaemon(home: string): CodexDaemon | undefined {
  let record: { pid?: unknown; processStartTime?: unknown; processIdentity?: { startTicks?: unknown } };
  try {
    record = JSON.parse(fs.readFileSync(path.join(home, PID_FILE), "utf8"));
  } catch {
    return undefined; // never started here, or a torn write: nothing to report
  }
  const pid = record.pid;
  if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const ticks = record.processIdentity?.startTicks;
  return {
    home,
    pid,
    alive: isSameProcess(pid, typeof ticks === "number" ? ticks : undefined),
    ...(typeof record.processStartTime === "string" && { startedAt: record.processStartTime }),
  };
}

function isSameProcess(pid: number, startTicks: number | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  if (startTicks === undefined) return true;
  try {
    // Field 22 of /proc/PID/stat (after the parenthesised name) is the start time in clock ticks.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[19]) === startTicks;
  } catch {
    return true; // no /proc (macOS): trust the live pid
  }
}

const run = promisify(execFile);

/** The command a user runs to stop the daemon of `home` (shown by doctor and the login warnings). */
export const daemonStopCommand = (home: string): string => `CODEX_HOME=${home} codex app-server daemon stop`;

/**
 * Stops the daemon of `home` the way Codex does (`codex app-server daemon stop`
 * in that home; skipped without a codex binary), then by its pid if it is
 * still there. Returns whether one was running.
 */
export async function stopCodexDaemon(
  codexBin: string | undefined,
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  const before = readCodexDaemon(home);
  if (!before?.alive) return false;
  try {
    if (codexBin)
      await run(codexBin, ["app-server", "daemon", "stop"], {
        env: { ...env, CODEX_HOME: home },
        timeout: 15_000,
      });
  } catch {
    // An older or broken codex: the signal below still stops it.
  }
  if (readCodexDaemon(home)?.alive) {
    try {
      process.kill(before.pid, "SIGTERM");
    } catch {
      // Gone meanwhile.
    }
  }
  // The next codex must not find the session still held: wait (briefly) until it is gone.
  for (let waited = 0; waited < 5000 && readCodexDaemon(home)?.alive; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return true;
}
