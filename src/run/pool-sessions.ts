import fs from "node:fs";
import path from "node:path";
import { readAuthFile, summarizeAuth } from "../core/auth-file.js";
import { authPath } from "../core/paths.js";
import { loadRegistry } from "../core/registry.js";
import { allDayDirs, rolloutNames } from "./rollout-files.js";

/**
 * The pool's sessions, read from the rollout files in the `sessions/` every
 * account home shares. Each rollout opens with a `session_meta` record that
 * names its creator (`creator_account_id`), which Codex's own `--last` and
 * picker filter on; cao reads past that filter.
 */
export interface PoolSession {
  id: string;
  file: string;
  /** The rollout's last write: when the session was last used. */
  updatedMs: number;
  /**
   * The directory of its latest turn: Codex files a session resumed elsewhere under that directory
   * (docs/codex-notes.md, "CODEX_HOME"); the one it was made in before its first turn.
   */
  cwd: string | undefined;
  /** Codex's session source: "cli" and "vscode" are interactive, "exec" is `codex exec`. */
  source: string | undefined;
  creatorAccountId: string | undefined;
  /** The cao account whose login made it, when one of the pool's has that ChatGPT account. */
  account: string | undefined;
}

/** Codex counts these sources as interactive sessions (the TUI's picker and `--last` show only them). */
const INTERACTIVE_SOURCES = new Set(["cli", "vscode"]);

export const isInteractive = (session: PoolSession) =>
  session.source !== undefined && INTERACTIVE_SOURCES.has(session.source);

/** Every rollout under `sessionsDir`, newest use first (a stat each; the files are read lazily). */
export function rolloutsNewestFirst(sessionsDir: string): { file: string; updatedMs: number }[] {
  const files: { file: string; updatedMs: number }[] = [];
  for (const dir of allDayDirs(sessionsDir)) {
    for (const name of rolloutNames(dir)) {
      const file = path.join(dir, name);
      try {
        files.push({ file, updatedMs: fs.statSync(file).mtimeMs });
      } catch {
        // Archived or deleted while we looked.
      }
    }
  }
  return files.sort((a, b) => b.updatedMs - a.updatedMs);
}

/** The session a rollout holds, from its first line; undefined for a file that is not one (yet). */
export function readPoolSession(
  rollout: { file: string; updatedMs: number },
  accounts: ReadonlyMap<string, string>,
): PoolSession | undefined {
  const meta = firstRecord(rollout.file);
  if (meta?.type !== "session_meta" || !meta.payload || typeof meta.payload.id !== "string") return undefined;
  const text = (key: string) =>
    typeof meta.payload?.[key] === "string" ? (meta.payload[key] as string) : undefined;
  const creatorAccountId = text("creator_account_id");
  return {
    id: meta.payload.id,
    file: rollout.file,
    updatedMs: rollout.updatedMs,
    cwd: lastTurnCwd(rollout.file) ?? text("cwd"),
    source: text("source"),
    creatorAccountId,
    account: creatorAccountId === undefined ? undefined : accounts.get(creatorAccountId),
  };
}

/** ChatGPT account id -> the cao account signed in to it (the first one, when two share it). */
export function accountsByChatgptId(dir?: string): Map<string, string> {
  const byId = new Map<string, string>();
  for (const name of loadRegistry(dir).accounts) {
    const id = summarizeAuth(readAuthFile(authPath(name, dir))).accountId;
    if (id && !byId.has(id)) byId.set(id, name);
  }
  return byId;
}

/** How much of a rollout's end is searched for its latest turn_context (one turn's records fit). */
const TAIL_BYTES = 256 * 1024;

function lastTurnCwd(file: string): string | undefined {
  let tail: string;
  try {
    const fd = fs.openSync(file, "r");
    try {
      const size = fs.fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.min(size, TAIL_BYTES));
      fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
      tail = buffer.toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const lines = tail.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (!line.includes('"turn_context"')) continue;
    try {
      const record = JSON.parse(line) as RolloutRecord;
      if (record.type === "turn_context" && typeof record.payload?.cwd === "string")
        return record.payload.cwd;
    } catch {
      // The first line of the tail, cut in the middle.
    }
  }
  return undefined;
}

interface RolloutRecord {
  type?: unknown;
  payload?: Record<string, unknown>;
}

/** session_meta carries Codex's base instructions, so the first line may be long: read up to its end. */
const FIRST_LINE_MAX = 4 * 1024 * 1024;

function firstRecord(file: string): RolloutRecord | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(64 * 1024);
    while (total < FIRST_LINE_MAX) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, total);
      if (n === 0) break;
      const newline = buffer.subarray(0, n).indexOf(10);
      chunks.push(Buffer.from(buffer.subarray(0, newline === -1 ? n : newline)));
      total += n;
      if (newline !== -1) break;
    }
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return value && typeof value === "object" ? (value as RolloutRecord) : undefined;
  } catch {
    return undefined; // unreadable, or a first line still being written
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
