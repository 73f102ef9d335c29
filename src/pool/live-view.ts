import { loadSnapshot, loginLabel, type StatusSnapshot, type UsageWindowView } from "../core/account-view.js";
import { readLiveGatewayState } from "../core/gateway-state.js";
import {
  accountCaps,
  accountSettings,
  poolHeadroom,
  poolMember,
  type Settings,
} from "../core/pool-policy.js";
import { loadSessions, type SessionRecord } from "../core/session-store.js";
import { loadSettingsIfAny } from "../core/settings-load.js";
import { formatDuration } from "../core/time-format.js";

/**
 * The live view (`cao status --watch`, `cao top`): one frame from cao's state
 * files only (registry, status, cao.toml, sessions.json, .state/gateway); no
 * network call. Pure rendering below `loadLiveFrame`, so tests can render fixed data.
 */
export interface LiveData {
  snapshot: StatusSnapshot;
  settings: Settings;
  sessions: SessionRecord[];
  gateway: { pid: number; url: string; account: string } | undefined;
}

/** Sessions active this recently count as live. */
export const LIVE_MS = 10 * 60_000;

export async function loadLiveData(dir: string, nowMs = Date.now()): Promise<LiveData> {
  return {
    snapshot: loadSnapshot(dir, nowMs),
    settings: await loadSettingsIfAny(dir),
    sessions: loadSessions(dir),
    gateway: readLiveGatewayState(dir),
  };
}

const BAR = 10;
function bar(w: UsageWindowView | null, cap: number, now: number): string {
  if (!w) return `${"·".repeat(BAR)}   ?      `;
  const used = w.resetsAtMs !== null && w.resetsAtMs <= now ? 0 : w.usedPercent;
  const filled = Math.round((Math.max(0, Math.min(100, used)) / 100) * BAR);
  const capAt = cap < 100 ? Math.min(BAR - 1, Math.round((cap / 100) * BAR)) : -1;
  const cells = Array.from({ length: BAR }, (_, i) => (i < filled ? "█" : i === capAt ? "┆" : "░")).join("");
  const reset = w.resetsAtMs && w.resetsAtMs > now ? `↻${formatDuration(w.resetsAtMs - now)}` : "";
  return `${cells} ${String(Math.round(used)).padStart(3)}% ${reset.padEnd(7)}`;
}

const short = (id: string) => (id.length > 13 ? `${id.slice(0, 13)}…` : id);
const ago = (ms: number, now: number) => `${formatDuration(now - ms)} ago`;

export function renderLive(data: LiveData, nowMs: number, columns: number): string[] {
  const { snapshot, settings } = data;
  const members = snapshot.accounts.map((a) =>
    poolMember(a.name, settings, a.status.rateLimits, Boolean(a.status.authProblem), nowMs),
  );
  const pool = poolHeadroom(members);
  const clock = new Date(nowMs).toTimeString().slice(0, 8);
  const lines: string[] = [];
  const gateway = data.gateway
    ? `gateway up (pid ${data.gateway.pid}) ${data.gateway.url} · new sessions → ${data.gateway.account}`
    : "gateway not running";
  lines.push(
    `cao top · ${clock} · ${pool.usable}/${pool.total} accounts usable · pool headroom ${pool.percent === undefined ? "?" : `${pool.percent}%`}`,
  );
  lines.push(gateway);
  lines.push("");
  const width = Math.max(7, ...snapshot.accounts.map((a) => a.name.length));
  lines.push(
    `  ${"ACCOUNT".padEnd(width)}  ${"LOGIN".padEnd(10)}  ${"5-HOUR".padEnd(BAR + 13)} ${"WEEKLY".padEnd(BAR + 13)} STATE`,
  );
  for (const a of snapshot.accounts) {
    const account = accountSettings(settings, a.name);
    const caps = accountCaps(account);
    const state: string[] = [];
    if (account.paused) state.push("paused");
    if (a.coolingDown && a.status.cooldownUntilMs)
      state.push(`cooling ${formatDuration(a.status.cooldownUntilMs - nowMs)}`);
    if (caps.primary < 100) state.push(`5h cap ${caps.primary}%`);
    if (caps.secondary < 100) state.push(`wk cap ${caps.secondary}%`);
    if (account.priority !== 0) state.push(`priority ${account.priority}`);
    const active = data.gateway?.account === a.name ? "▸" : " ";
    lines.push(
      `${active} ${a.name.padEnd(width)}  ${loginLabel(a).padEnd(10)}  ${bar(a.fiveHour, caps.primary, nowMs)} ${bar(a.weekly, caps.secondary, nowMs)} ${state.join(", ") || "ready"}`,
    );
  }
  if (snapshot.accounts.length === 0) lines.push("  no accounts yet: cao add NAME");

  const live = data.sessions.filter((s) => nowMs - s.lastAtMs <= LIVE_MS).reverse();
  lines.push("", `live sessions (active in the last ${formatDuration(LIVE_MS)}): ${live.length}`);
  for (const s of live.slice(0, 8)) {
    const turn = s.turns.at(-1);
    lines.push(
      `  ${short(s.id).padEnd(15)} ${s.source.padEnd(7)} on ${(turn?.account ?? "?").padEnd(width)}  ${s.turns.length} turn${s.turns.length === 1 ? "" : "s"}  ${ago(s.lastAtMs, nowMs)}`,
    );
  }
  const moves = data.sessions
    .flatMap((s) => s.moves.map((m) => ({ ...m, session: s.id })))
    .sort((a, b) => b.atMs - a.atMs)
    .slice(0, 5);
  lines.push("", "last moves:");
  if (moves.length === 0) lines.push("  none");
  for (const m of moves) {
    lines.push(
      `  ${ago(m.atMs, nowMs).padEnd(9)} ${short(m.session).padEnd(15)} ${m.from} → ${m.to}: ${m.reason}`,
    );
  }
  lines.push("", "q or Ctrl-C to quit");
  return lines.map((line) => fit(line, columns));
}

function fit(line: string, columns: number): string {
  const chars = [...line];
  return chars.length > columns ? `${chars.slice(0, Math.max(1, columns - 1)).join("")}…` : line;
}
