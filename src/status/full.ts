import {
  type AccountView,
  loginLabel,
  type StatusSnapshot,
  type UsageWindowView,
} from "../core/account-view.js";
import { relativeTime, timeWithRelative } from "../core/time-format.js";

export function usageText(w: UsageWindowView | null, nowMs: number): string {
  if (!w) return "unknown";
  const resets = w.resetsAtMs ? `, resets ${relativeTime(w.resetsAtMs, nowMs)}` : "";
  return `${Math.round(w.usedPercent)}% used${resets}`;
}

export function loginText(a: AccountView): string {
  if (a.memoryOnly) return `ONLY IN THE GATEWAY'S MEMORY (${a.memoryOnly.reason})`;
  if (a.status.authProblem) return `NEEDS A NEW LOGIN (${a.status.authProblem})`;
  return a.auth.problem ? `${loginLabel(a)}: ${a.auth.problem}` : "logged in";
}

/** The detailed view: every field, one per line, one block per account. */
export function fullBlock(a: AccountView, nowMs: number): string {
  const at = (ms: number | undefined | null) => timeWithRelative(ms, nowMs);
  const s = a.status;
  const rows: [string, string][] = [
    ["login", loginText(a)],
    ["email", a.auth.email ?? "unknown"],
    ["plan", a.auth.plan ?? "unknown"],
    ["token expires", at(a.auth.accessExpiresAtMs)],
    ["last refresh", at(a.auth.lastRefreshAtMs)],
    ["last attempt", at(s.lastAttemptAtMs)],
    ["last success", at(s.lastSuccessAtMs)],
    ["last quota", at(s.lastQuotaAtMs)],
    ["cooldown", a.coolingDown ? `until ${at(s.cooldownUntilMs)}` : "none"],
    ["failures", String(s.consecutiveFailures ?? 0)],
    ["last error", s.lastError ?? "none"],
    ["5-hour usage", usageText(a.fiveHour, nowMs)],
    ["weekly usage", usageText(a.weekly, nowMs)],
    ["usage seen", a.usageObservedAtMs ? relativeTime(a.usageObservedAtMs, nowMs) : "never"],
  ];
  const header = `${a.isDefault ? "*" : " "} ${a.name}${a.isDefault ? " (default)" : ""}`;
  return [header, ...rows.map(([k, v]) => `    ${`${k}:`.padEnd(15)} ${v}`)].join("\n");
}

export function renderFull(snapshot: StatusSnapshot): string {
  return snapshot.accounts.map((a) => fullBlock(a, snapshot.generatedAtMs)).join("\n\n");
}
