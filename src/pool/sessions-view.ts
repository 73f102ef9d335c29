import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import type { SessionRecord } from "../core/session-store.js";
import { relativeTime } from "../core/time-format.js";

/** `cao sessions` (recent sessions, newest first) and `cao sessions ID` (one session's turns and moves). */
export function renderSessionList(sessions: readonly SessionRecord[], nowMs: number, limit = 20): string {
  if (sessions.length === 0) return "no sessions recorded yet (the gateway and `cao run` record them)";
  const rows = [...sessions]
    .reverse()
    .slice(0, limit)
    .map((s) => {
      const accounts = accountTrail(s).join(" → ");
      const moves =
        s.moves.length === 0
          ? ""
          : `${s.moves.length} move${s.moves.length === 1 ? "" : "s"} (${s.moves.at(-1)?.reason})`;
      return [s.id, s.source, relativeTime(s.lastAtMs, nowMs), String(s.turns.length), accounts, moves];
    });
  const table = [["SESSION", "VIA", "LAST", "TURNS", "ACCOUNTS", "MOVES"], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
  if (sessions.length > limit) lines.push(`(${sessions.length - limit} older not shown; --json lists all)`);
  return lines.join("\n");
}

/** The accounts a session was served by, in order, without repeats in a row. */
export function accountTrail(s: SessionRecord): string[] {
  const trail: string[] = [];
  for (const t of s.turns) if (trail.at(-1) !== t.account) trail.push(t.account);
  return trail;
}

export function findSession(sessions: readonly SessionRecord[], id: string): SessionRecord {
  const exact = sessions.find((s) => s.id === id);
  if (exact) return exact;
  const matches = sessions.filter((s) => s.id.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  throw new CaoError(
    matches.length === 0
      ? `no recorded session ${JSON.stringify(id)}`
      : `${JSON.stringify(id)} matches ${matches.length} sessions`,
    ExitCode.usage,
    "see `cao sessions` for the recorded ones",
  );
}

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

export function renderSession(s: SessionRecord, nowMs: number): string {
  const lines = [
    `session ${s.id} · via ${s.source} · started ${relativeTime(s.firstAtMs, nowMs)} · last ${relativeTime(s.lastAtMs, nowMs)}`,
  ];
  const events = [
    ...s.turns.map((t) => ({
      atMs: t.firstAtMs,
      order: 1,
      text: `${t.account}  ${t.id ? `turn ${t.id}` : s.source === "run" ? "codex run" : "(no turn id)"}  ${t.requests} request${t.requests === 1 ? "" : "s"} · ${t.transport}${t.exitCode !== undefined ? ` · exit ${t.exitCode}` : ""}`,
    })),
    ...s.moves.map((m) => ({ atMs: m.atMs, order: 0, text: `moved ${m.from} → ${m.to}: ${m.reason}` })),
  ].sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  for (const e of events) lines.push(`  ${clock(e.atMs)}  ${e.text}`);
  return lines.join("\n");
}
