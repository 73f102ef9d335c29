import { CaoError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

/**
 * Finding the marked block `cao gateway enable --config` adds to the user's
 * main Codex config.toml (written by src/gateway-setup/codex-config-block.ts).
 * Pure text functions, here in core because account homes copy the main
 * config without the block.
 */
export const BLOCK_START = "# >>> cao gateway >>>";
export const BLOCK_END = "# <<< cao gateway <<<";

interface BlockSpan {
  start: number;
  end: number;
}

/** Where the block is (from its start line to after its end line), or undefined when absent. */
export function findBlock(text: string, file: string): BlockSpan | undefined {
  const start = lineStartOf(text, BLOCK_START);
  const endLine = lineStartOf(text, BLOCK_END);
  if (start === undefined && endLine === undefined) return undefined;
  if (start === undefined || endLine === undefined || endLine < start) {
    throw new CaoError(
      `${file} has a damaged cao gateway block (only one of its marker lines); left it as it is`,
      ExitCode.data,
      `fix or delete the lines "${BLOCK_START}" / "${BLOCK_END}" by hand`,
    );
  }
  const newline = text.indexOf("\n", endLine);
  return { start, end: newline === -1 ? text.length : newline + 1 };
}

function lineStartOf(text: string, line: string): number | undefined {
  let from = 0;
  for (;;) {
    const at = text.indexOf(line, from);
    if (at === -1) return undefined;
    const after = text[at + line.length];
    if ((at === 0 || text[at - 1] === "\n") && (after === undefined || after === "\n" || after === "\r"))
      return at;
    from = at + 1;
  }
}

/** The text with the block cut out exactly (unchanged when there is none). */
export function withoutConfigBlock(text: string, file = "config.toml"): string {
  const span = findBlock(text, file);
  return span ? text.slice(0, span.start) + text.slice(span.end) : text;
}

export function hasConfigBlock(text: string, file = "config.toml"): boolean {
  return findBlock(text, file) !== undefined;
}

/**
 * The user's own settings from a main config: the text without a well-formed
 * block. Account homes copy the main config but must not inherit the route:
 * the wrapper and shims add it per call, only while the gateway runs.
 */
export function userConfigText(text: string): string {
  try {
    return withoutConfigBlock(text);
  } catch {
    return text;
  }
}
