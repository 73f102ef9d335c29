import fs from "node:fs";
import path from "node:path";
import { readCodexDaemon, stopCodexDaemon } from "../core/codex-daemon.js";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { accountDir, dataDir } from "../core/paths.js";
import { loadRegistry } from "../core/registry.js";
import { threadLockHolder } from "../core/thread-lock.js";
import {
  accountsByChatgptId,
  isInteractive,
  type PoolSession,
  readPoolSession,
  rolloutsNewestFirst,
} from "./pool-sessions.js";
import { type OpenResume, openResume } from "./resume-args.js";

/**
 * `codex resume --last`, `codex exec resume --last` and the `codex resume`
 * picker across the pool: Codex itself sees only the sessions the signed-in
 * account made, so cao chooses among every session in the shared `sessions/`
 * and hands Codex the id. Codex's other filters are kept: the working
 * directory (or `-C DIR`) unless `--all`, and for `codex resume` interactive
 * sessions only unless `--include-non-interactive`. The wrappers, the shims
 * and `cao run` all come here.
 */
export interface ResumeContext {
  /** A home's `sessions/` (every account home shares one). */
  sessionsDir: string;
  cwd: string;
  /** Both ends on a terminal: the picker can ask. */
  terminal: boolean;
  /** cao's data dir (default: $CAO_HOME), for the account each session was made on. */
  dataDir?: string;
}

/** The codex call to run: an open resume with the pool's session id in it; any other call as it was. */
export async function poolResumeArgs(codexArgs: string[], context: ResumeContext): Promise<string[]> {
  return (await poolResume(codexArgs, context)).args;
}

/** The call to run, and the session cao chose for it (none: the call runs as it was). */
export async function poolResume(
  codexArgs: string[],
  context: ResumeContext,
): Promise<{ args: string[]; chosen?: PoolSession }> {
  const open = openResume(codexArgs);
  if (!open || (open.choose === "picker" && !context.terminal)) return { args: codexArgs };
  const wanted = sessionFilter(open, context.cwd);
  const accounts = accountsByChatgptId(context.dataDir);
  const sessions = function* () {
    for (const rollout of rolloutsNewestFirst(context.sessionsDir)) {
      const session = readPoolSession(rollout, accounts);
      if (session && wanted(session)) yield session;
    }
  };
  if (open.choose === "last") {
    const latest = sessions().next().value;
    // None at all: Codex does what it does without one.
    return latest ? { args: open.withSession(latest.id), chosen: latest } : { args: codexArgs };
  }
  const { pickSession, PICKER_LIMIT } = await import("./session-picker.js");
  const candidates = take(sessions(), PICKER_LIMIT);
  if (candidates.length === 0) return { args: codexArgs };
  const pickedId = await pickSession(candidates);
  const picked = candidates.find((session) => session.id === pickedId);
  if (!picked) throw new CaoError("no session picked; codex was not started", ExitCode.interrupted);
  return { args: open.withSession(picked.id), chosen: picked };
}

/**
 * The TUI's app-server daemon (0.169+) keeps the sessions it served after its TUI quit, and
 * another home's codex would open such a session read-only ("This conversation is open in another
 * app"): the daemon holding it is stopped first, and cao says so, as `cao run` does when it moves a
 * session (docs/tui.md). The holder is the daemon holding the session's writer lock; where locks
 * cannot be read (no /proc/locks), the daemon of the account that made the session.
 */
export async function releaseSession(
  chosen: PoolSession | undefined,
  homeAccount: string | undefined,
  codexBin: string,
  context: { sessionsDir: string; dataDir?: string },
): Promise<void> {
  if (!chosen) return;
  const dir = context.dataDir ?? dataDir();
  const lock = threadLockHolder(path.dirname(context.sessionsDir), chosen.id);
  const holder =
    lock.kind === "unknown"
      ? chosen.account
      : lock.pid === undefined
        ? undefined
        : loadRegistry(dir).accounts.find((name) => {
            const daemon = readCodexDaemon(accountDir(name, dir));
            return daemon?.alive === true && daemon.pid === lock.pid;
          });
  if (!holder || holder === homeAccount) return;
  if (!(await stopCodexDaemon(codexBin, accountDir(holder, dir), process.env))) return;
  // The logger loads only when there is something to say.
  (await import("../terminal/log.js")).log.info(
    `stopped ${holder}'s Codex app-server daemon (it held the session)`,
  );
}

function sessionFilter(open: OpenResume, cwd: string): (session: PoolSession) => boolean {
  const here = open.cd === undefined ? cwd : path.resolve(cwd, open.cd);
  const dirs = new Set([path.resolve(here), realpathOr(here)]);
  return (session) =>
    (open.exec || open.includeNonInteractive || isInteractive(session)) &&
    (open.anyDir ||
      (session.cwd !== undefined &&
        (dirs.has(path.resolve(session.cwd)) || dirs.has(realpathOr(session.cwd)))));
}

function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

function take<T>(items: Iterable<T>, limit: number): T[] {
  const taken: T[] = [];
  for (const item of items) {
    if (taken.length >= limit) break;
    taken.push(item);
  }
  return taken;
}
