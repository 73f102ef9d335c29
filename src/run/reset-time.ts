/**
 * Codex prints a usage limit's reset time in the local timezone, formatted by
 * chrono as `%-I:%M %p` when it is on the day it prints it ("6:51 PM") and as
 * `%b %-d{st,nd,rd,th}, %Y %-I:%M %p` otherwise ("Nov 23rd, 2026 6:28 PM").
 * Both are read back here. Codex floors to the minute, so the minute is
 * rounded up: an account is never retried before it has really reset.
 */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const RESET_PATTERN =
  /^(?:(?<month>[A-Z][a-z]{2}) (?<day>\d{1,2})(?:st|nd|rd|th), (?<year>\d{4}) )?(?<hour>\d{1,2}):(?<minute>\d{2}) (?<ampm>[AP]M)$/;

const MINUTE_MS = 60_000;

/**
 * The reset time as epoch ms, or undefined when the text is not one of Codex's
 * formats. `printedAtMs` is when Codex printed it: a bare time earlier than
 * that moment is tomorrow's.
 */
export function parseResetTime(text: string, printedAtMs = Date.now()): number | undefined {
  const groups = RESET_PATTERN.exec(text.trim())?.groups;
  if (!groups) return undefined;
  const hour12 = Number(groups.hour);
  const minute = Number(groups.minute);
  if (hour12 < 1 || hour12 > 12 || minute > 59) return undefined;
  const hour = (hour12 % 12) + (groups.ampm === "PM" ? 12 : 0);
  if (!groups.month) {
    const printed = new Date(printedAtMs);
    const sameDay = new Date(printed.getFullYear(), printed.getMonth(), printed.getDate(), hour, minute);
    const resetMs = sameDay.getTime() + MINUTE_MS;
    if (resetMs >= printedAtMs) return resetMs;
    sameDay.setDate(sameDay.getDate() + 1); // calendar day, so a DST change does not shift the hour
    return sameDay.getTime() + MINUTE_MS;
  }
  const month = MONTHS.indexOf(groups.month);
  const day = Number(groups.day);
  if (month === -1) return undefined;
  const at = new Date(Number(groups.year), month, day, hour, minute);
  if (at.getMonth() !== month || at.getDate() !== day) return undefined; // "Feb 31st"
  return at.getTime() + MINUTE_MS;
}

/** Local and short, for cao's own messages: "7:28 PM" today, "Nov 23, 6:28 PM" otherwise. */
export function formatResetTime(atMs: number, nowMs = Date.now()): string {
  const at = new Date(atMs);
  const time = at.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" });
  if (at.toDateString() === new Date(nowMs).toDateString()) return time;
  return `${at.toLocaleDateString("en-US", { month: "short", day: "numeric" })}, ${time}`;
}
