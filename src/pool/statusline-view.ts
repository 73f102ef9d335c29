import type { AccountView } from "../core/account-view.js";
import type { PoolHeadroom } from "../core/pool-policy.js";
import { relativeTime } from "../core/time-format.js";

/**
 * What cao shows in Codex's footer (`cao statusline`, docs/tui.md): the account
 * serving the thread, its 5-hour and weekly use with their resets, and the
 * pool's headroom. Pure: the reader (statusline-state.ts) gathers the inputs.
 *
 *   cao b · 5h 42% (resets in 2h 10m) · weekly 12% (resets in 5d) · pool 78% left, 2/2 usable
 */
export interface FooterInput {
  nowMs: number;
  /** The account shown, or null when the thread's account is unknown (Codex runs outside cao's homes). */
  account: AccountView | null;
  pool: PoolHeadroom;
}

/** Colours Codex's footer knows (its theme's status colours), so the footer follows the user's theme. */
type FooterColour = "accent" | "status-usage" | "status-limit" | "status-metadata";

export interface FooterPart {
  text: string;
  colour: FooterColour;
}

/** Used percent from which a window is shown in the limit colour. */
const NEARLY_OUT = 90;

export function footerParts(input: FooterInput): FooterPart[] {
  const parts: FooterPart[] = [];
  const { account, nowMs } = input;
  if (account) {
    parts.push({ text: `cao ${account.name}`, colour: "accent" });
    parts.push(windowPart("5h", account, "fiveHour", nowMs));
    parts.push(windowPart("weekly", account, "weekly", nowMs));
  } else {
    parts.push({ text: "cao", colour: "accent" });
  }
  parts.push(poolPart(input.pool));
  return parts;
}

function windowPart(
  label: string,
  account: AccountView,
  which: "fiveHour" | "weekly",
  nowMs: number,
): FooterPart {
  // A usage limit outlasts whatever the last headers said: the cooldown ends when the 5 hours reset.
  if (which === "fiveHour" && account.coolingDown) {
    return {
      text: `${label} out (back ${relativeTime(account.status.cooldownUntilMs, nowMs)})`,
      colour: "status-limit",
    };
  }
  const window = account[which];
  if (!window) return { text: `${label} ?`, colour: "status-metadata" };
  // A window that has reset since it was seen starts from zero (as the pool's rules count it).
  if (window.resetsAtMs !== null && window.resetsAtMs <= nowMs) {
    return { text: `${label} 0%`, colour: "status-usage" };
  }
  const used = Math.round(window.usedPercent);
  const reset = window.resetsAtMs === null ? "" : ` (resets ${relativeTime(window.resetsAtMs, nowMs)})`;
  return { text: `${label} ${used}%${reset}`, colour: used >= NEARLY_OUT ? "status-limit" : "status-usage" };
}

function poolPart(pool: PoolHeadroom): FooterPart {
  if (pool.percent === undefined) return { text: "pool: no usable account", colour: "status-limit" };
  return {
    text: `pool ${pool.percent}% left, ${pool.usable}/${pool.total} usable`,
    colour: pool.percent < 100 - NEARLY_OUT ? "status-limit" : "status-usage",
  };
}

const SEPARATOR = "·";

/** The footer as plain text, as it reads on screen. */
export function footerText(parts: readonly FooterPart[]): string {
  return parts.map((part) => part.text).join(` ${SEPARATOR} `);
}

/** Codex's UI tree for the footer: one row of coloured texts (the shape its statusline guide documents). */
export function footerTree(parts: readonly FooterPart[]): unknown {
  const children: unknown[] = [];
  for (const [index, part] of parts.entries()) {
    if (index > 0) children.push(SEPARATOR);
    children.push({ type: "text", props: { color: part.colour }, children: [part.text] });
  }
  return { type: "row", props: { gap: 1, wrap: "wrap" }, children };
}

/** What the footer says when cao's state cannot be read: a short line, never an error (an error stops Codex's polling). */
export function problemParts(message: string): FooterPart[] {
  return [
    { text: "cao", colour: "accent" },
    { text: message, colour: "status-limit" },
  ];
}
