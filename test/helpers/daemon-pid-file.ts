import fs from "node:fs";
import path from "node:path";

/** When process `pid` started, in clock ticks (field 22 of /proc/PID/stat), as Codex records it. */
export function startTicksOf(pid: number | "self"): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
}

/** The pid file Codex's app-server daemon writes in `home`, naming the running process `pid`. */
export function writeDaemonPidFile(home: string, pid: number): void {
  const dir = path.join(home, "app-server-daemon");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "daemon.pid"),
    JSON.stringify({ pid, processIdentity: { startTicks: startTicksOf(pid) } }),
  );
}
