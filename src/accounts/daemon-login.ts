import type { AuthFile } from "../core/auth-file.js";
import { daemonStopCommand, readCodexDaemon } from "../core/codex-daemon.js";
import { loginIdentity, sameUser } from "./login-identity.js";

/**
 * Codex refuses a login swapped under a running process (docs/codex-notes.md, "Auth"), and the TUI's
 * app-server daemon keeps running in the home after the TUI exits (docs/tui.md, "App-server
 * daemons"). The warning to print when account `name`'s login in `home` went from `before` to
 * `after` (`cao add --relogin`, an import's `--overwrite`): none if no daemon runs there, or if both
 * are the same ChatGPT user in the same account (a token rotated since is the same login).
 */
export function daemonWithPreviousLogin(
  name: string,
  home: string,
  before: AuthFile | undefined,
  after: AuthFile | undefined,
): string | undefined {
  if (before && after && sameUser(loginIdentity(before), loginIdentity(after))) return undefined;
  const daemon = readCodexDaemon(home);
  if (!daemon?.alive) return undefined;
  return `a Codex app-server daemon (pid ${daemon.pid}) still runs in ${name}'s home with the previous login; Codex there fails until it is stopped: ${daemonStopCommand(home)}`;
}
