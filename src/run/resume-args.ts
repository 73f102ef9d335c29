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
}

/** Options (with their values) apart from positional words, up to a `--` (after which all are positional). */
function split(args: string[]): Split {
  const options: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as string;
    if (word === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (word.startsWith("-") && word !== "-") {
      options.push(word);
      if (VALUE_OPTIONS.has(word) && i + 1 < args.length) options.push(args[++i] as string);
    } else positionals.push(word);
  }
  return { options, positionals };
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
