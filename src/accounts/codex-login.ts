import { spawn } from "node:child_process";
import fs from "node:fs";
import { readAuthFile } from "../core/auth-file.js";
import { codexEnv } from "../core/codex-env.js";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";

/**
 * `codex login` with the terminal inherited (it opens a browser or prints a
 * device code). Ctrl-C reaches codex through the terminal's process group; a
 * signal sent to cao alone is forwarded, and either way cao outlives codex to
 * clean up.
 */
export interface LoginRun {
  codex: string;
  home: string;
  authFile: string;
  deviceAuth: boolean;
  /** Said after every failure: what cao did about it ("nothing was added"). */
  outcome: string;
}

function contentOf(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

export function runLogin({ codex, home, authFile, deviceAuth, outcome }: LoginRun): Promise<void> {
  const args = deviceAuth ? ["login", "--device-auth"] : ["login"];
  // A login only counts if it wrote a new auth.json (a re-login starts with one).
  const before = contentOf(authFile);
  return new Promise((resolve, reject) => {
    const child = spawn(codex, args, { env: codexEnv(home), stdio: "inherit" });
    let interrupted = false;
    const forward = (signal: NodeJS.Signals) => {
      interrupted = true;
      child.kill(signal);
    };
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    for (const signal of signals) process.on(signal, forward);
    const done = (error?: CaoError) => {
      for (const signal of signals) process.off(signal, forward);
      if (error) reject(error);
      else resolve();
    };
    child.on("error", (error) => done(new CaoError(`could not start ${codex}: ${error.message}`)));
    child.on("exit", (code, signal) => {
      if (interrupted || signal === "SIGINT") {
        done(new CaoError(`login interrupted; ${outcome}`, ExitCode.interrupted));
      } else if (code !== 0) {
        const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
        done(new CaoError(`codex login ${how}; ${outcome}`, ExitCode.failure));
      } else if (readAuthFile(authFile).kind !== "ok" || contentOf(authFile) === before) {
        done(
          new CaoError(`codex login finished without writing a new auth.json; ${outcome}`, ExitCode.failure),
        );
      } else {
        // Whatever the umask was, the token file is private.
        fs.chmodSync(authFile, 0o600);
        done();
      }
    });
  });
}
