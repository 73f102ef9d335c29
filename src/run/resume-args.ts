/**
 * How `cao run` continues the conversation on the next account after a usage
 * limit: the homes share `sessions/` and the SQLite state, so the next account
 * can resume the session that ran out by its id (docs/codex-notes.md, "CODEX_HOME").
 *
 *   codex [opts] [PROMPT]            ->  codex [opts] resume ID
 *   codex [opts] resume [...]        ->  codex [opts] resume ID
 *   codex exec [opts] PROMPT         ->  codex exec [opts] resume ID CONTINUE_PROMPT
 *   codex exec [opts] resume [...]   ->  codex exec [opts] resume ID CONTINUE_PROMPT
 *
 * Codex takes the parent command's options before the `resume` subcommand
 * (verified with 0.169 and 0.171), so the user's options are kept as they were.
 * Any other subcommand (login, review, mcp, ...) is not a conversation:
 * `undefined`, and the caller runs the same arguments again.
 */

/**
 * What an `exec` resume sends: the interrupted turn's prompt is already in the
 * session (Codex records the user message when the turn starts), so sending it
 * again would ask twice and pay twice; the model is told to carry on instead.
 */
export const CONTINUE_PROMPT =
  "The previous turn was cut off by a usage limit. Continue the task from where it stopped; do not repeat work that is already done.";

/** Options of codex and codex exec that take a value as the next word (`--flag=value` is one word). */
const VALUE_OPTIONS = new Set([
  "-c",
  "--config",
  "--enable",
  "--disable",
  "--remote",
  "--remote-auth-token-env",
  "-i",
  "--image",
  "-m",
  "--model",
  "--local-provider",
  "-p",
  "--profile",
  "-s",
  "--sandbox",
  "-a",
  "--ask-for-approval",
  "-C",
  "--cd",
  "--add-dir",
  "--thread-source",
  "--cyber-access-program",
  "--output-schema",
  "--color",
  "-o",
  "--output-last-message",
]);

/** Codex's subcommands that are not a conversation to continue. */
const OTHER_SUBCOMMANDS = new Set([
  "review",
  "login",
  "logout",
  "mcp",
  "mcp-server",
  "app-server",
  "completion",
  "sandbox",
  "debug",
  "apply",
  "a",
  "fork",
  "cloud",
  "features",
  "help",
]);

interface Split {
  options: string[];
  positionals: string[];
  /** Where each positional word stands in the words that were split. */
  positionalAt: number[];
  /** Where each option word (not its value) stands. */
  flagAt: number[];
}

/** Options (with their values) apart from positional words, up to a `--` (after which all are positional). */
function split(args: string[]): Split {
  const options: string[] = [];
  const positionals: string[] = [];
  const positionalAt: number[] = [];
  const flagAt: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word === "--") {
      for (let j = i + 1; j < args.length; j++) {
        positionals.push(args[j] as string);
        positionalAt.push(j);
      }
      break;
    }
    if (word.startsWith("-") && word !== "-") {
      options.push(word);
      flagAt.push(i);
      if (VALUE_OPTIONS.has(word) && i + 1 < args.length) options.push(args[++i] as string);
    } else {
      positionals.push(word);
      positionalAt.push(i);
    }
  }
  return { options, positionals, positionalAt, flagAt };
}

/** Drops the `--last` / `--all` of a resume being rewritten to one session id. */
const withoutPickers = (options: string[]) => options.filter((o) => o !== "--last" && o !== "--all");

export function resumeArgs(codexArgs: string[], sessionId: string): string[] | undefined {
  const top = split(codexArgs);
  const first = top.positionals[0];
  if (first === "exec" || first === "e") {
    const at = codexArgs.indexOf(first);
    const rest = split(codexArgs.slice(at + 1));
    return [
      ...codexArgs.slice(0, at),
      "exec",
      ...withoutPickers(rest.options),
      "resume",
      sessionId,
      CONTINUE_PROMPT,
    ];
  }
  if (first !== undefined && OTHER_SUBCOMMANDS.has(first)) return undefined;
  return [...withoutPickers(top.options), "resume", sessionId];
}

/**
 * The cheap test in front of openResume, copied into every wrapper and shim (shells/, templates/):
 * a call with a word `resume` may be one, any other is not and runs codex directly with no extra
 * process. The cases: test/fixtures/resume-calls.json.
 */
export const mentionsResume = (codexArgs: readonly string[]): boolean => codexArgs.includes("resume");

/**
 * A resume whose session Codex would choose itself, among the signed-in account's sessions only
 * (docs/codex-notes.md, "CODEX_HOME"): `--last` (the newest) or, in the TUI, no id at all (the
 * picker). cao chooses across the pool instead (src/run/pool-resume.ts) and passes the id.
 *
 *   codex [opts] resume [opts] --last [opts] [PROMPT]   ->  codex [opts] resume ID [opts] [PROMPT]
 *   codex exec [opts] resume --last [PROMPT]             ->  codex exec [opts] resume ID [PROMPT]
 *   codex [opts] resume [opts]                           ->  the picker, then codex [opts] resume ID [opts]
 */
export interface OpenResume {
  choose: "last" | "picker";
  /** `codex exec resume`: every kind of session counts (`codex resume` counts interactive ones only). */
  exec: boolean;
  /** `--all`: sessions made in any directory, not only in the working one. */
  anyDir: boolean;
  /** `--include-non-interactive` (`codex resume` only): `codex exec` sessions count too. */
  includeNonInteractive: boolean;
  /** `-C DIR` / `--cd DIR` as given: the directory Codex filters on instead of the working one. */
  cd: string | undefined;
  /** The call with the session chosen: the choosing flags dropped, the id right after `resume`. */
  withSession: (sessionId: string) => string[];
}

const CHOOSING_FLAGS = new Set(["--last", "--all", "--include-non-interactive"]);

export function openResume(codexArgs: string[]): OpenResume | undefined {
  const top = split(codexArgs);
  const first = top.positionalAt[0];
  // A word after `--` is a prompt, never a subcommand.
  if (first === undefined || codexArgs.slice(0, first).includes("--")) return undefined;
  const exec = codexArgs[first] === "exec" || codexArgs[first] === "e";
  const inExec = exec ? split(codexArgs.slice(first + 1)) : undefined;
  const resumeAt = inExec ? first + 1 + (inExec.positionalAt[0] ?? Number.NaN) : first;
  if (codexArgs[resumeAt] !== "resume" || codexArgs.slice(first + 1, resumeAt).includes("--"))
    return undefined;
  const tailWords = codexArgs.slice(resumeAt + 1);
  const tail = split(tailWords);
  const last = tail.options.includes("--last");
  // With --last a positional word is the prompt; without it, the session id (or name).
  if (!last && (exec || tail.positionals.length > 0)) return undefined;
  const dropped = new Set(tail.flagAt.filter((i) => CHOOSING_FLAGS.has(tailWords[i] as string)));
  const after = tailWords.filter((_, i) => !dropped.has(i));
  return {
    choose: last ? "last" : "picker",
    exec,
    anyDir: tail.options.includes("--all"),
    includeNonInteractive: tail.options.includes("--include-non-interactive"),
    cd: lastDirOption([...top.options, ...(inExec?.options ?? []), ...tail.options]),
    withSession: (sessionId) => [...codexArgs.slice(0, resumeAt + 1), sessionId, ...after],
  };
}

/** The last `-C DIR`, `--cd DIR`, `--cd=DIR` or `-CDIR` among option words (values follow their flag). */
function lastDirOption(options: string[]): string | undefined {
  let dir: string | undefined;
  for (let i = 0; i < options.length; i++) {
    const word = options[i] as string;
    if ((word === "-C" || word === "--cd") && i + 1 < options.length) dir = options[++i];
    else if (VALUE_OPTIONS.has(word)) i++;
    else if (word.startsWith("--cd=")) dir = word.slice("--cd=".length);
    else if (word.startsWith("-C") && word.length > 2) dir = word.slice(2);
  }
  return dir;
}
