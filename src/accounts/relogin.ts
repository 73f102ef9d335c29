import { validateAccountName } from "../core/account-name.js";
import { type AuthFile, readAuthFile } from "../core/auth-file.js";
import { findRealCodex } from "../core/codex-binary.js";
import { ensureAccountHome } from "../core/codex-home.js";
import { authPath, dataDir } from "../core/paths.js";
import { loadRegistry, requireAccount } from "../core/registry.js";
import { updateAccountStatus } from "../core/status-update.js";
import { runLogin } from "./codex-login.js";
import { daemonWithPreviousLogin } from "./daemon-login.js";

/**
 * Logs an existing account in again (its refresh token died, or it was added
 * with --no-login). A failed or aborted login leaves the old auth.json as it
 * was: codex only writes it on success. A new login clears the dead-login mark.
 */
export async function reloginAccount(
  options: { name: string; deviceAuth: boolean; codexPath?: string | undefined },
  dir = dataDir(),
): Promise<void> {
  const name = validateAccountName(options.name);
  requireAccount(loadRegistry(dir), name);
  const codex = findRealCodex(options.codexPath);
  const { home } = ensureAccountHome(name, dir);
  const loginBefore = loginIn(authPath(name, dir));
  await runLogin({
    codex,
    home,
    authFile: authPath(name, dir),
    deviceAuth: options.deviceAuth,
    outcome: "the account's previous login was left as it was",
  });
  updateAccountStatus(
    name,
    (status) => {
      const { authProblem: _dead, ...rest } = status;
      return { ...rest, consecutiveFailures: 0 };
    },
    dir,
  );
  const warning = daemonWithPreviousLogin(name, home, loginBefore, loginIn(authPath(name, dir)));
  if (warning) {
    const { log } = await import("../terminal/log.js");
    await log.warn(warning);
  }
}

function loginIn(file: string): AuthFile | undefined {
  const read = readAuthFile(file);
  return read.kind === "ok" ? read.auth : undefined;
}
