import { validateAccountName } from "../core/account-name.js";
import { readAuthFile, summarizeAuth } from "../core/auth-file.js";
import { findRealCodex } from "../core/codex-binary.js";
import { readCodexDaemon } from "../core/codex-daemon.js";
import { ensureAccountHome } from "../core/codex-home.js";
import { authPath, dataDir } from "../core/paths.js";
import { loadRegistry, requireAccount } from "../core/registry.js";
import { updateAccountStatus } from "../core/status-update.js";
import { runLogin } from "./codex-login.js";

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
  const loginBefore = summarizeAuth(readAuthFile(authPath(name, dir))).accountId;
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
  await warnAboutDaemon(name, home, loginBefore, summarizeAuth(readAuthFile(authPath(name, dir))).accountId);
}

/**
 * Codex refuses a login swapped under a running process (docs/codex-notes.md, "Auth"), and the TUI's
 * app-server daemon keeps running in the home (docs/tui.md): say so when it holds another login.
 */
async function warnAboutDaemon(
  name: string,
  home: string,
  before: string | undefined,
  after: string | undefined,
): Promise<void> {
  const daemon = readCodexDaemon(home);
  if (!daemon?.alive || (before !== undefined && before === after)) return;
  const { log } = await import("../terminal/log.js");
  await log.warn(
    `a Codex app-server daemon (pid ${daemon.pid}) still runs in ${name}'s home with the previous login; Codex there fails until it is stopped: CODEX_HOME=${home} codex app-server daemon stop`,
  );
}
