import { daemonStopCommand, readCodexDaemon } from "../../core/codex-daemon.js";
import { accountDir } from "../../core/paths.js";
import type { DoctorCheck, DoctorIssue } from "./types.js";

/**
 * The Codex app-server daemon each account's home may have (the TUI leaves it
 * running): worth knowing because it holds that account's login and the
 * sessions it served (docs/tui.md "App-server daemons").
 */
export const codexDaemonsCheck: DoctorCheck = ({ snapshot }) =>
  snapshot.accounts.flatMap((a): DoctorIssue[] => {
    const daemon = readCodexDaemon(accountDir(a.name, snapshot.dataDir));
    if (!daemon) return [];
    const since = daemon.startedAt ? ` since ${daemon.startedAt}` : "";
    return [
      daemon.alive
        ? {
            account: a.name,
            severity: "info",
            code: "codex-daemon-running",
            message: `Codex app-server daemon running (pid ${daemon.pid}${since}); it keeps this account's login and sessions open (stop: ${daemonStopCommand(daemon.home)})`,
          }
        : {
            account: a.name,
            severity: "info",
            code: "codex-daemon-stale",
            message: `stale Codex app-server daemon pid file (pid ${daemon.pid} is not running); Codex starts a new one when needed`,
          },
    ];
  });
