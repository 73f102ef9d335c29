import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./cli.js";

/** One case of test/fixtures/resume-calls.json (its "about" says what the fields mean). */
export interface ResumeCallCase {
  name: string;
  args: string[];
  mentionsResume: boolean;
  expect?: string[];
}

const table = JSON.parse(fs.readFileSync(path.join(repoRoot, "test/fixtures/resume-calls.json"), "utf8")) as {
  cases: ResumeCallCase[];
};
export const RESUME_CALL_CASES: readonly ResumeCallCase[] = table.cases;

/** The ChatGPT account ids the table's two accounts are signed in to. */
export const RESUME_ACCOUNT_IDS = { work: "acct-work", other: "acct-other" } as const;

export const RESUME_SESSION_IDS = {
  CLI: "0199b000-0000-7000-8000-00000000c11a",
  EXEC: "0199b000-0000-7000-8000-00000000e8ec",
  ELSEWHERE: "0199b000-0000-7000-8000-0000000e15e0",
} as const;

export interface ResumeWorld {
  here: string;
  elsewhere: string;
}

/**
 * Writes the table's three rollouts (as Codex lays them out, first line a
 * session_meta) into `sessionsDir`, with their last writes in the table's order.
 */
export function layOutResumeSessions(sessionsDir: string, world: ResumeWorld): void {
  const day = path.join(sessionsDir, "2026", "12", "01");
  fs.mkdirSync(day, { recursive: true });
  fs.mkdirSync(world.here, { recursive: true });
  fs.mkdirSync(world.elsewhere, { recursive: true });
  const sessions = [
    { id: RESUME_SESSION_IDS.CLI, source: "cli", account: RESUME_ACCOUNT_IDS.other, cwd: world.here },
    { id: RESUME_SESSION_IDS.EXEC, source: "exec", account: RESUME_ACCOUNT_IDS.work, cwd: world.here },
    {
      id: RESUME_SESSION_IDS.ELSEWHERE,
      source: "cli",
      account: RESUME_ACCOUNT_IDS.other,
      cwd: world.elsewhere,
    },
  ];
  const base = Date.parse("2026-12-01T10:00:00Z") / 1000;
  sessions.forEach((session, i) => {
    const file = path.join(day, `rollout-2026-12-01T10-0${i}-00-${session.id}.jsonl`);
    const meta = {
      timestamp: "2026-12-01T10:00:00.000Z",
      type: "session_meta",
      payload: {
        id: session.id,
        creator_account_id: session.account,
        cwd: session.cwd,
        source: session.source,
        originator: session.source === "exec" ? "codex_exec" : "codex-tui",
        model_provider: "openai",
      },
    };
    const text = `first prompt of ${session.source} in ${path.basename(session.cwd)}`;
    // The TUI records the prompt as a user message (after Codex's own context), exec as an event.
    const prompt =
      session.source === "exec"
        ? { type: "event_msg", payload: { type: "user_message", message: text } }
        : {
            type: "response_item",
            payload: { type: "message", role: "user", content: [{ type: "input_text", text }] },
          };
    const context = {
      type: "response_item",
      payload: {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "<environment_context>" }],
      },
    };
    fs.writeFileSync(file, [meta, context, prompt].map((r) => `${JSON.stringify(r)}\n`).join(""));
    fs.utimesSync(file, base + i * 60, base + i * 60);
  });
}

/** The case's words with the placeholders filled in: `args`, or what codex receives (`expect`, else args). */
export function caseWords(words: readonly string[], world: ResumeWorld): string[] {
  const values: Record<string, string> = { ...prefixed(RESUME_SESSION_IDS), $ELSEWHERE_DIR: world.elsewhere };
  return words.map((word) => values[word] ?? word);
}

const prefixed = (ids: Record<string, string>) =>
  Object.fromEntries(Object.entries(ids).map(([key, id]) => [`$${key}`, id]));

/** The words the fake codex wrote to $FAKE_CODEX_ARGS_FILE (NUL-separated, so newlines survive). */
export function receivedWords(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return text === "" ? [] : text.slice(0, -1).split("\0");
}
