import { spawn } from "node:child_process";
import { after } from "node:test";
import { writeDaemonPidFile } from "./daemon-pid-file.js";

/**
 * A real process standing in for the Codex app-server daemon a TUI left running in `home`, with
 * its pid file as Codex writes it (pid and start time, so cao takes it for alive). Killed when the
 * test file finishes.
 */
export function fakeCodexDaemon(home: string): { pid: number } {
  const child = spawn("sleep", ["600"], { stdio: "ignore" });
  after(() => {
    child.kill();
  });
  if (child.pid === undefined) throw new Error("could not start the stand-in daemon (sleep)");
  writeDaemonPidFile(home, child.pid);
  return { pid: child.pid };
}
