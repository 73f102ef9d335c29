import fs from "node:fs";
import { relativeTime } from "../core/time-format.js";
import { log } from "../terminal/log.js";
import type { PoolSession } from "./pool-sessions.js";

/** The newest sessions the picker offers (the list scrolls; the rest is reachable with `resume ID`). */
export const PICKER_LIMIT = 50;

/** The rollout bytes read for a session's first prompt (it comes right after the session's set-up). */
const PROMPT_SCAN_BYTES = 1024 * 1024;
const PROMPT_WIDTH = 60;

/**
 * cao's own resume picker: Codex's cannot list another account's sessions.
 * One line per session: when it was last used, the account it was made on,
 * its first prompt, and (on the line in focus) its directory. Returns the id picked,
 * undefined when the user cancels.
 */
export async function pickSession(sessions: PoolSession[]): Promise<string | undefined> {
  const now = Date.now();
  const picked = await log.prompt<string | symbol>("Resume which session? (every account's)", {
    type: "select",
    options: sessions.map((session) => ({
      value: session.id,
      label: `${relativeTime(session.updatedMs, now).padEnd(9)} ${(session.account ?? "?").padEnd(12)} ${firstPrompt(session.file)}`,
      hint: session.cwd ?? "",
    })),
    cancel: "symbol",
  });
  return typeof picked === "string" ? picked : undefined;
}

/** The first thing the user typed in the session, on one line and cut to fit. */
export function firstPrompt(file: string): string {
  let text = "";
  try {
    const fd = fs.openSync(file, "r");
    try {
      const buffer = Buffer.alloc(PROMPT_SCAN_BYTES);
      text = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return "(unreadable)";
  }
  for (const line of text.split("\n")) {
    if (!line.includes('"user_message"') && !line.includes('"role":"user"')) continue;
    const message = userText(line)?.replace(/\s+/g, " ").trim();
    if (message) return message.length > PROMPT_WIDTH ? `${message.slice(0, PROMPT_WIDTH - 1)}…` : message;
  }
  return "(no prompt yet)";
}

/**
 * What the user typed, from either record Codex writes for it: an `event_msg` `user_message`, or
 * (the 0.169+ TUI) a `response_item` user message. The user messages Codex adds itself (its
 * `<environment_context>`, the AGENTS.md instructions) are not prompts.
 */
function userText(line: string): string | undefined {
  let record: { type?: unknown; payload?: Record<string, unknown> };
  try {
    record = JSON.parse(line);
  } catch {
    return undefined; // a line cut at the end of the scan
  }
  const payload = record.payload ?? {};
  if (record.type === "event_msg" && payload.type === "user_message") return String(payload.message ?? "");
  if (record.type !== "response_item" || payload.type !== "message" || payload.role !== "user")
    return undefined;
  const parts = Array.isArray(payload.content) ? (payload.content as Array<{ text?: unknown }>) : [];
  const text = parts
    .map((part) => (typeof part.text === "string" ? part.text : ""))
    .join(" ")
    .trim();
  return text.startsWith("<") || text.startsWith("# AGENTS.md") ? undefined : text;
}
