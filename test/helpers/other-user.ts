import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type RunResult, runProcess } from "./cli.js";

/**
 * A second local user, as a stranger on the same machine: created with
 * `useradd` when the tests run as root (CI does, on a fresh Debian machine);
 * otherwise the caller skips with the reason returned.
 */
export const STRANGER = "cao-stranger";

export type OtherUser = {
  name: string;
  uid: number;
  /** Runs a Node script (source text) as that user; it gets no access to the test's files. */
  node(script: string, args?: string[], timeoutMs?: number): Promise<RunResult>;
};

export function otherUser(): OtherUser | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: "creating a second local user needs root" };
  if (spawnSync("id", ["-u", STRANGER]).status !== 0) {
    try {
      execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", STRANGER], {
        stdio: "pipe",
      });
    } catch (error) {
      return { reason: `useradd failed: ${String((error as Error).message).split("\n")[0]}` };
    }
  }
  const uid = Number(execFileSync("id", ["-u", STRANGER], { encoding: "utf8" }).trim());
  // The script lives in a world-readable temp dir of its own (the stranger cannot read the test's).
  const scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), "cao-stranger-"));
  fs.chmodSync(scriptDir, 0o755);
  let count = 0;
  return {
    name: STRANGER,
    uid,
    node(script, args = [], timeoutMs = 60_000) {
      const file = path.join(scriptDir, `script-${++count}.cjs`);
      fs.writeFileSync(file, script, { mode: 0o644 });
      return runProcess("runuser", ["-u", STRANGER, "--", process.execPath, file, ...args], {
        timeoutMs,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/" },
        cwd: "/",
        noStdin: true,
      });
    },
  };
}
