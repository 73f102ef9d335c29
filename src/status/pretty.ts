import {
  type AccountView,
  loginLabel,
  type StatusSnapshot,
  type UsageWindowView,
} from "../core/account-view.js";
import { formatDuration } from "../core/time-format.js";
import type { painter, Style } from "../terminal/colour.js";
import { moveText } from "./full.js";

type Paint = ReturnType<typeof painter>;

const BAR_WIDTH = 10;

/** Usage colours by level: green with room, yellow getting close, red at the routing thresholds. */
function levelStyle(usedPercent: number): Style {
  if (usedPercent >= 90) return "red";
  return usedPercent >= 70 ? "yellow" : "green";
}

/** `████████░░  80% 2h`: the window's use as a bar, its percent, and when it resets. */
function windowCell(w: UsageWindowView | null, nowMs: number, paint: Paint): string {
  if (!w) return `${"·".repeat(BAR_WIDTH)} ${"?".padStart(4)} ${"".padEnd(6)}`;
  const pct = Math.max(0, Math.min(100, w.usedPercent));
  const filled = Math.round((pct / 100) * BAR_WIDTH);
  const bar = paint(levelStyle(pct), "█".repeat(filled)) + "░".repeat(BAR_WIDTH - filled);
  const resets = w.resetsAtMs && w.resetsAtMs > nowMs ? formatDuration(w.resetsAtMs - nowMs) : "";
  return `${bar} ${`${Math.round(pct)}%`.padStart(4)} ${resets.padEnd(6)}`;
}

/** The login in a word or two: `ok 3d` (token valid for 3 days; refreshed by codex or the gateway). */
function loginCell(a: AccountView, nowMs: number): { text: string; style?: Style } {
  const label = loginLabel(a);
  if (label !== "logged-in") return { text: label, style: label === "no-refresh-token" ? "yellow" : "red" };
  const expires = a.auth.accessExpiresAtMs;
  if (!expires) return { text: "ok" };
  return expires > nowMs
    ? { text: `ok ${formatDuration(expires - nowMs)}` }
    : { text: "ok, expired", style: "yellow" };
}

const HEADER = ["ACCOUNT", "LOGIN", "5-HOUR USE  RESETS", "WEEKLY USE  RESETS", "COOLDOWN", "FAILS"];

/** The dashboard's table: its header line and one row per account, in the snapshot's order. */
export interface DashboardTable {
  header: string;
  rows: string[];
}

/** One row per account (default marked `*`): login, 5-hour and weekly bars with resets, cooldown, failures. */
export function dashboardTable(snapshot: StatusSnapshot, paint: Paint): DashboardTable {
  const now = snapshot.generatedAtMs;
  const nameWidth = Math.max(HEADER[0]?.length ?? 0, ...snapshot.accounts.map((a) => a.name.length + 2));
  const logins = snapshot.accounts.map((a) => loginCell(a, now));
  const loginWidth = Math.max(HEADER[1]?.length ?? 0, ...logins.map((l) => l.text.length));
  const windowWidth = BAR_WIDTH + 12;
  const header = [
    (HEADER[0] ?? "").padEnd(nameWidth),
    (HEADER[1] ?? "").padEnd(loginWidth),
    (HEADER[2] ?? "").padEnd(windowWidth),
    (HEADER[3] ?? "").padEnd(windowWidth),
    (HEADER[4] ?? "").padEnd(9),
    HEADER[5],
  ].join("  ");
  const rows = snapshot.accounts.map((a, i) => {
    const login = logins[i] ?? { text: "" };
    const loginText = login.text.padEnd(loginWidth);
    const cooldown =
      a.coolingDown && a.status.cooldownUntilMs ? formatDuration(a.status.cooldownUntilMs - now) : "-";
    const failures = a.status.consecutiveFailures ?? 0;
    const cells = [
      `${a.isDefault ? "*" : " "} ${a.name}`.padEnd(nameWidth),
      login.style ? paint(login.style, loginText) : loginText,
      windowCell(a.fiveHour, now, paint),
      windowCell(a.weekly, now, paint),
      a.coolingDown ? paint("yellow", cooldown.padEnd(9)) : cooldown.padEnd(9),
      failures > 0 ? paint("red", String(failures)) : String(failures),
    ];
    return cells.join("  ");
  });
  return { header, rows };
}

/**
 * The terminal dashboard: one row per account (so eight fit a 40-row terminal
 * with room to spare), usage as bars coloured by level; `cao status --full`
 * has every field. `cao switch`'s picker shows the same rows.
 */
export function renderPretty(snapshot: StatusSnapshot, columns: number, paint: Paint): string {
  const now = snapshot.generatedAtMs;
  const count = snapshot.accounts.length;
  const pool = snapshot.pool?.percent === undefined ? "" : ` · pool headroom ${snapshot.pool.percent}%`;
  const title = `cao status · ${count} account${count === 1 ? "" : "s"} · default: ${snapshot.defaultAccount ?? "none"}${pool}`;
  if (count === 0) return `${title}\nno accounts yet: cao add NAME`;
  const { header, rows } = dashboardTable(snapshot, paint);
  const problems = snapshot.accounts
    .filter((a) => a.status.lastError || a.status.authProblem)
    .map(
      (a) =>
        `  ${a.name}: ${a.status.authProblem ? `needs \`cao add ${a.name} --relogin\`` : a.status.lastError}`,
    );
  // The last conversation `cao run` moved, once (it is recorded on both accounts).
  const moves = [...new Set(snapshot.accounts.map((a) => moveText(a.status, now)).filter(Boolean))];
  const out = [paint("bold", title), "", paint("dim", header), ...rows];
  if (problems.length) out.push("", ...problems);
  if (moves.length) out.push("", ...moves.map((move) => `  session moved: ${move}`));
  out.push(
    "",
    paint("dim", "* default · `cao status --full` for every field · `cao status --doctor` checks health"),
  );
  return out.map((line) => clip(line, columns)).join("\n");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: measuring text without its colour codes
const ANSI = /\u001b\[[0-9;]*m/g;

/** A row wider than the terminal is cut (with …) rather than wrapped into the next row. */
export function clip(line: string, columns: number): string {
  const visible = [...line.replace(ANSI, "")];
  if (visible.length <= columns) return line;
  return `${visible.slice(0, Math.max(1, columns - 1)).join("")}…`;
}
