import { spawn } from "node:child_process";
import os from "node:os";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { StderrWatch } from "./stderr-watch.js";

export interface CodexRun {
  exitCode: number;
  /** Present when cao watched stderr (non-interactive runs). */
  watch?: StderrWatch;
}

/**
 * Runs codex to completion (a CaoError if it cannot start). Interactive (`terminal: true`): codex inherits
 * the real terminal, no pipe anywhere. Otherwise stdout stays codex's own and
 * stderr passes through cao chunk by chunk (written on at once, never held
 * back) while cao watches it for Codex's own messages.
 */
export function runCodex(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  terminal: boolean,
): Promise<CodexRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ["inherit", "inherit", terminal ? "inherit" : "pipe"] });
    const watch = terminal ? undefined : new StderrWatch();
    child.stderr?.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      watch?.push(chunk);
    });
    const detach = relaySignals(child.pid, (signal) => child.kill(signal));
    child.on("error", (error) => {
      detach();
      reject(new CaoError(`could not start codex (${bin}): ${error.message}`, ExitCode.codexMissing));
    });
    child.on("close", (code, signal) => {
      detach();
      watch?.end();
      resolve({
        exitCode: code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0),
        ...(watch && { watch }),
      });
    });
  });
}

/**
 * Ctrl-C and Ctrl-\ reach codex from the terminal directly (same process
 * group); cao only must not die of them first. A SIGTERM or SIGHUP sent to cao
 * alone is passed on, so codex can save its session.
 */
function relaySignals(pid: number | undefined, kill: (signal: NodeJS.Signals) => void): () => void {
  const ignore = () => {};
  const relay = (signal: NodeJS.Signals) => kill(signal);
  if (pid === undefined) return () => {};
  process.on("SIGINT", ignore);
  process.on("SIGQUIT", ignore);
  process.on("SIGTERM", relay);
  process.on("SIGHUP", relay);
  return () => {
    process.off("SIGINT", ignore);
    process.off("SIGQUIT", ignore);
    process.off("SIGTERM", relay);
    process.off("SIGHUP", relay);
  };
}
