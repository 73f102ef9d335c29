import fs from "node:fs";
import path from "node:path";
import { loadSnapshot, poolOf } from "../core/account-view.js";
import { authPath, registryPath, settingsPath, statusPath } from "../core/paths.js";
import { loadSessions, type SessionRecord, sessionsPath } from "../core/session-store.js";
import { loadSettingsIfAny } from "../core/settings-load.js";
import { takeWarnings } from "../core/warnings.js";
import { type FooterPart, footerParts, problemParts } from "./statusline-view.js";

/**
 * The footer's inputs, read from cao's state files only (no network): Codex
 * asks about once a second, so a read costs a few stat calls unless a file
 * changed, the thread changed or the shown times need a refresh.
 */
export interface FooterQuery {
  /** Codex's thread id (the statusline snapshot's `thread.id`): the gateway records sessions by it. */
  threadId: string | undefined;
  /** The CODEX_HOME Codex runs in (passed through by the MCP server's `env_vars`). */
  codexHome: string | undefined;
}

/** Relative times ("resets in 2h 10m") are rendered again at least this often. */
const REFRESH_MS = 30_000;

export class FooterReader {
  private cached: { key: string; parts: FooterPart[] } | undefined;

  private accounts: string[] = [];

  /** sessions.json can be megabytes: parsed again only when it changed, and only who served each thread last is kept. */
  private served = { fingerprint: "", byThread: new Map<string, string>() };

  constructor(private readonly dir: string) {}

  async read(query: FooterQuery, nowMs = Date.now()): Promise<FooterPart[]> {
    const key = [
      query.threadId ?? "",
      query.codexHome ?? "",
      Math.floor(nowMs / REFRESH_MS),
      ...this.watched().map(fingerprint),
    ].join("|");
    if (this.cached?.key === key) return this.cached.parts;
    const parts = await this.compute(query, nowMs);
    this.cached = { key, parts };
    return parts;
  }

  private servedByThread(): Map<string, string> {
    const current = fingerprint(sessionsPath(this.dir));
    if (current !== this.served.fingerprint) {
      this.served = { fingerprint: current, byThread: lastServingAccounts(loadSessions(this.dir)) };
    }
    return this.served.byThread;
  }

  private watched(): string[] {
    const dir = this.dir;
    return [
      registryPath(dir),
      statusPath(dir),
      sessionsPath(dir),
      settingsPath(dir),
      ...this.accounts.map((name) => authPath(name, dir)),
    ];
  }

  private async compute(query: FooterQuery, nowMs: number): Promise<FooterPart[]> {
    try {
      const snapshot = loadSnapshot(this.dir, nowMs);
      this.accounts = snapshot.accounts.map((a) => a.name);
      const pool = poolOf(snapshot, await loadSettingsIfAny(this.dir), nowMs);
      const served = query.threadId ? this.servedByThread().get(query.threadId) : undefined;
      // An account removed since it served the thread is not shown: the home's is, if it still exists.
      const candidates = [served, homeAccount(query.codexHome, this.dir)];
      const account =
        candidates.map((name) => snapshot.accounts.find((a) => a.name === name)).find(Boolean) ?? null;
      return footerParts({ nowMs, account, pool });
    } catch (error) {
      return problemParts(shortReason(error, this.dir));
    } finally {
      // Nobody prints them in a long-lived provider; a corrupt file shows as the problem line instead.
      takeWarnings();
    }
  }
}

/** Per session (= Codex thread), the account that served its latest turn through the gateway or `cao run`. */
export function lastServingAccounts(sessions: readonly SessionRecord[]): Map<string, string> {
  const byThread = new Map<string, string>();
  for (const session of sessions) {
    const account = session.turns.at(-1)?.account;
    if (account) byThread.set(session.id, account);
  }
  return byThread;
}

/** The account whose home `codexHome` is (`<data dir>/<name>`), or undefined for any other CODEX_HOME. */
export function homeAccount(codexHome: string | undefined, dir: string): string | undefined {
  if (!codexHome) return undefined;
  const home = realOrResolved(codexHome);
  return path.dirname(home) === realOrResolved(dir) ? path.basename(home) : undefined;
}

function realOrResolved(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function fingerprint(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return "-";
  }
}

/** The reason on one short line, file names relative to the data dir (the footer is one line). */
function shortReason(error: unknown, dir: string): string {
  const text = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  const line = text.replaceAll(`${dir}${path.sep}`, "");
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}
