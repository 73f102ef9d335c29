import { loginText, moveText } from "./full.js";
import type { AccountView, StatusSnapshot, UsageWindowView } from "./model.js";
import { relativeTime } from "./time-format.js";

const BAR_WIDTH = 20;

function bar(w: UsageWindowView | null, nowMs: number): string {
  if (!w) return `${"·".repeat(BAR_WIDTH)}  unknown`;
  const pct = Math.max(0, Math.min(100, w.usedPercent));
  const filled = Math.round((pct / 100) * BAR_WIDTH);
  const resets = w.resetsAtMs ? `  resets ${relativeTime(w.resetsAtMs, nowMs)}` : "";
  return `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)} ${String(Math.round(pct)).padStart(3)}%${resets}`;
}

function accountLines(a: AccountView, nowMs: number): string[] {
  const who = [a.auth.email, a.auth.plan].filter(Boolean).join(" · ");
  const s = a.status;
  const cooldown = a.coolingDown ? `ends ${relativeTime(s.cooldownUntilMs, nowMs)}` : "none";
  const lines = [
    `${a.isDefault ? "*" : " "} ${a.name}${who ? `  ${who}` : ""}`,
    `    login   ${loginText(a)}`,
    `    5h      ${bar(a.fiveHour, nowMs)}`,
    `    weekly  ${bar(a.weekly, nowMs)}`,
    `    token expires ${relativeTime(a.auth.accessExpiresAtMs, nowMs)} · cooldown ${cooldown} · failures ${s.consecutiveFailures ?? 0}`,
  ];
  if (s.lastError) lines.push(`    last error: ${s.lastError}`);
  const moved = moveText(s, nowMs);
  if (moved) lines.push(`    session moved: ${moved}`);
  return lines;
}

/** The TTY dashboard: every account in one box, usage as bars. */
export function renderPretty(snapshot: StatusSnapshot, columns = 100): string {
  const now = snapshot.generatedAtMs;
  const count = snapshot.accounts.length;
  const title = `cao status · ${count} account${count === 1 ? "" : "s"} · default: ${snapshot.defaultAccount ?? "none"}`;
  const sections = snapshot.accounts.map((a) => accountLines(a, now));
  const all = [title, ...sections.flat()];
  const width = Math.max(20, Math.min(columns - 4, Math.max(...all.map((l) => [...l].length))));
  const fit = (line: string) => {
    const chars = [...line];
    return chars.length > width
      ? `${chars.slice(0, width - 1).join("")}…`
      : line + " ".repeat(width - chars.length);
  };
  const row = (line: string) => `│ ${fit(line)} │`;
  const rule = (l: string, r: string) => `${l}${"─".repeat(width + 2)}${r}`;
  const out = [rule("╭", "╮"), row(title)];
  for (const section of sections) out.push(rule("├", "┤"), ...section.map(row));
  if (count === 0) out.push(rule("├", "┤"), row("no accounts yet: cao add NAME"));
  out.push(rule("╰", "╯"));
  return out.join("\n");
}
