import path from "node:path";
import { ensurePrivateDir } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";
import { readJsonFile, writeJsonFile } from "./json-file.js";
import { dataDir, locksDir } from "./paths.js";
import { warn } from "./warnings.js";

/**
 * Who served what: per Codex session, the turns with the account that served
 * them and the moves between accounts with their reason. Written by the gateway
 * (HTTP and WebSocket, batched) and by `cao run` (one entry per attempt).
 *
 *   sessions.json  {"version":1,"sessions":[SessionRecord, ...]}   newest last
 *
 * Bounded: the MAX_SESSIONS most recently active sessions, each with its last
 * MAX_TURNS turns and MAX_MOVES moves. Atomic writes under a lock; a corrupt
 * file is copied aside and started over.
 */
export interface TurnRecord {
  /** Codex's turn id (`x-codex-turn-metadata`), null for requests outside a turn (prewarms, cao run). */
  id: string | null;
  account: string;
  transport: "http" | "websocket" | "run";
  firstAtMs: number;
  lastAtMs: number;
  /** Model requests of this turn on this account (tool-call follow-ups, replays). */
  requests: number;
  /** `cao run`: codex's exit status. */
  exitCode?: number;
}

export interface MoveRecord {
  atMs: number;
  from: string;
  to: string;
  reason: string;
  turn: string | null;
}

export interface SessionRecord {
  id: string;
  source: "gateway" | "run";
  firstAtMs: number;
  lastAtMs: number;
  turns: TurnRecord[];
  moves: MoveRecord[];
}

export type SessionEvent =
  | {
      kind: "serve";
      session: string;
      source: SessionRecord["source"];
      atMs: number;
      account: string;
      turn: string | null;
      transport: TurnRecord["transport"];
      exitCode?: number;
    }
  | {
      kind: "move";
      session: string;
      source: SessionRecord["source"];
      atMs: number;
      from: string;
      to: string;
      reason: string;
    };

export const MAX_SESSIONS = 300;
export const MAX_TURNS = 200;
export const MAX_MOVES = 100;

export const sessionsPath = (dir = dataDir()): string => path.join(dir, "sessions.json");

const isRecord = (v: unknown): v is SessionRecord => {
  const s = v as SessionRecord | null;
  return (
    !!s &&
    typeof s.id === "string" &&
    typeof s.firstAtMs === "number" &&
    typeof s.lastAtMs === "number" &&
    Array.isArray(s.turns) &&
    Array.isArray(s.moves)
  );
};

export function loadSessions(dir = dataDir()): SessionRecord[] {
  const file = sessionsPath(dir);
  const result = readJsonFile(file);
  if (result.kind === "missing") return [];
  if (result.kind === "corrupt") {
    warn(`${file} is not valid JSON; kept a copy at ${result.backupPath} and started fresh`);
    return [];
  }
  const list = (result.value as { sessions?: unknown } | null)?.sessions;
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** Applies events in order; pure (the bounds are tested on it). */
export function applySessionEvents(
  sessions: SessionRecord[],
  events: readonly SessionEvent[],
): SessionRecord[] {
  const byId = new Map(sessions.map((s) => [s.id, s]));
  for (const event of events) {
    let record = byId.get(event.session);
    if (!record) {
      record = {
        id: event.session,
        source: event.source,
        firstAtMs: event.atMs,
        lastAtMs: event.atMs,
        turns: [],
        moves: [],
      };
      byId.set(event.session, record);
    }
    record.lastAtMs = Math.max(record.lastAtMs, event.atMs);
    if (event.kind === "move") {
      const turn = record.turns.at(-1)?.id ?? null;
      record.moves.push({ atMs: event.atMs, from: event.from, to: event.to, reason: event.reason, turn });
      if (record.moves.length > MAX_MOVES) record.moves.splice(0, record.moves.length - MAX_MOVES);
      continue;
    }
    const last = record.turns.at(-1);
    // Same turn on the same account: one entry; a prewarm (no turn id yet) is adopted by its turn.
    const sameTurn =
      last &&
      event.transport !== "run" &&
      last.account === event.account &&
      (last.id === event.turn || (last.id === null && event.turn !== null));
    if (last && sameTurn) {
      last.id = event.turn ?? last.id;
      last.requests += 1;
      last.lastAtMs = event.atMs;
    } else {
      record.turns.push({
        id: event.turn,
        account: event.account,
        transport: event.transport,
        firstAtMs: event.atMs,
        lastAtMs: event.atMs,
        requests: 1,
        ...(event.exitCode !== undefined && { exitCode: event.exitCode }),
      });
      if (record.turns.length > MAX_TURNS) record.turns.splice(0, record.turns.length - MAX_TURNS);
    }
  }
  return [...byId.values()].sort((a, b) => a.lastAtMs - b.lastAtMs).slice(-MAX_SESSIONS);
}

export function recordSessionEvents(events: readonly SessionEvent[], dir = dataDir()): void {
  if (events.length === 0) return;
  ensurePrivateDir(dir);
  withFileLock(path.join(locksDir(dir), "sessions.lock"), () => {
    const sessions = applySessionEvents(loadSessions(dir), events);
    writeJsonFile(sessionsPath(dir), { version: 1, sessions }, 0o600, false);
  });
}
