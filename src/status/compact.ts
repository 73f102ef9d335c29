import {
  type AccountView,
  loginLabel,
  type StatusSnapshot,
  type UsageWindowView,
} from "../core/account-view.js";
import { relativeTime } from "../core/time-format.js";

const usage = (label: string, w: UsageWindowView | null) =>
  w ? ` | ${label}: ${Math.round(w.usedPercent)}%` : "";

/**
 * One line per account, the seed's format:
 * `* name (logged-in) | expires: in 2h | cooldown: none | last_quota: none | failures: 0`,
 * plus the last known usage windows when some run has seen them.
 */
export function compactLine(a: AccountView, nowMs: number): string {
  const cooldown = a.coolingDown ? `ends ${relativeTime(a.status.cooldownUntilMs, nowMs)}` : "none";
  return (
    `${a.isDefault ? "*" : " "} ${a.name} (${loginLabel(a)})` +
    ` | expires: ${relativeTime(a.auth.accessExpiresAtMs, nowMs)}` +
    ` | cooldown: ${cooldown}` +
    ` | last_quota: ${relativeTime(a.status.lastQuotaAtMs, nowMs)}` +
    ` | failures: ${a.status.consecutiveFailures ?? 0}` +
    usage("5h", a.fiveHour) +
    usage("weekly", a.weekly)
  );
}

export function renderCompact(snapshot: StatusSnapshot): string {
  return snapshot.accounts.map((a) => compactLine(a, snapshot.generatedAtMs)).join("\n");
}
