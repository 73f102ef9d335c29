import { spawn } from "node:child_process";
import fs from "node:fs";
import { validateAccountName } from "../core/account-name.js";
import { readAuthFile } from "../core/auth-file.js";
import { findRealCodex } from "../core/codex-binary.js";
import { codexEnv } from "../core/codex-env.js";
import { ensureAccountHome } from "../core/codex-home.js";
import { CaoError, usageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { accountDir, authPath, dataDir } from "../core/paths.js";
import { claimAccountName, unregisterAccount } from "./registration.js";

export interface AddOptions {
  name: string;
  /** Run `codex login` in the new home (the default); false = `--no-login`. */
  login: boolean;
  deviceAuth: boolean;
  codexPath?: string | undefined;
}

export interface AddResult {
  name: string;
  home: string;
  loggedIn: boolean;
  isDefault: boolean;
}

/**
 * Creates an account: claims the name in the registry, builds its CODEX_HOME
 * and runs the real `codex login` there. Anything short of a login that left an
 * auth.json (failure, Ctrl-C, a killed cao) rolls back the home and the entry.
 */
export async function addAccount(options: AddOptions, dir = dataDir()): Promise<AddResult> {
  const name = validateAccountName(options.name);
  // Resolve codex before creating anything: a missing codex must leave no trace.
  const codex = options.login ? findRealCodex(options.codexPath) : undefined;
  const home = accountDir(name, dir);
  if (fs.existsSync(home)) {
    throw usageError(
      `${home} already exists but is not a registered account`,
      "move it away, or bring its login in with `cao import codex --source DIR`",
    );
  }
  const isDefault = claimAccountName(name, dir);
  const rollback = () => {
    fs.rmSync(home, { recursive: true, force: true });
    unregisterAccount(name, dir);
  };
  try {
    ensureAccountHome(name, dir);
    if (codex) await runLogin(codex, home, authPath(name, dir), options.deviceAuth);
  } catch (error) {
    rollback();
    throw error;
  }
  return { name, home, loggedIn: codex !== undefined, isDefault };
}

/**
 * `codex login` with the terminal inherited (it opens a browser or prints a
 * device code). Ctrl-C reaches codex through the terminal's process group; a
 * signal sent to cao alone is forwarded, and either way cao outlives codex to
 * clean up.
 */
function runLogin(codex: string, home: string, authFile: string, deviceAuth: boolean): Promise<void> {
  const args = deviceAuth ? ["login", "--device-auth"] : ["login"];
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
        done(new CaoError("login interrupted; nothing was added", ExitCode.interrupted));
      } else if (code !== 0) {
        const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
        done(new CaoError(`codex login ${how}; nothing was added`, ExitCode.failure));
      } else if (readAuthFile(authFile).kind !== "ok") {
        done(
          new CaoError("codex login finished without writing auth.json; nothing was added", ExitCode.failure),
        );
      } else {
        // Whatever the umask was, the token file is private.
        fs.chmodSync(authFile, 0o600);
        done();
      }
    });
  });
}
