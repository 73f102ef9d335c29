import { type AccountJson, accountJson } from "../core/account-json.js";
import { loginLabel, type StatusSnapshot } from "../core/account-view.js";
import { relativeTime } from "../core/time-format.js";

export interface StatusReportJson {
  generatedAt: string;
  accounts: AccountJson[];
}

export function reportJson(snapshot: StatusSnapshot): StatusReportJson {
  return {
    generatedAt: new Date(snapshot.generatedAtMs).toISOString(),
    accounts: snapshot.accounts.map(accountJson),
  };
}

/** Pipes would break the table; line breaks would end the row. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

/** A Markdown report to paste into an issue or a note. */
export function reportMarkdown(snapshot: StatusSnapshot): string {
  const now = snapshot.generatedAtMs;
  const pct = (p: number | undefined) => (p === undefined ? "-" : `${Math.round(p)}%`);
  const lines = [
    "# cao status report",
    "",
    `Generated ${new Date(now).toISOString()}; default account: ${snapshot.defaultAccount ?? "none"}.`,
    "",
    "| account | default | email | plan | login | token expires | cooldown | failures | 5h used | weekly used | last error |",
    "| --- | --- | --- | --- | --- | --- | --- | ---: | ---: | ---: | --- |",
  ];
  for (const a of snapshot.accounts) {
    const cooldown = a.coolingDown ? `ends ${relativeTime(a.status.cooldownUntilMs, now)}` : "none";
    const cells = [
      a.name,
      a.isDefault ? "yes" : "",
      a.auth.email ?? "",
      a.auth.plan ?? "",
      loginLabel(a),
      relativeTime(a.auth.accessExpiresAtMs, now),
      cooldown,
      String(a.status.consecutiveFailures ?? 0),
      pct(a.fiveHour?.usedPercent),
      pct(a.weekly?.usedPercent),
      a.status.lastError ?? "",
    ];
    lines.push(`| ${cells.map(cell).join(" | ")} |`);
  }
  if (snapshot.accounts.length === 0) lines.push("", "No accounts yet.");
  return lines.join("\n");
}
