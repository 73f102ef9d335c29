import { validateAccountName } from "../core/account-name.js";
import { usageError } from "../core/errors.js";
import type { PoolSession } from "./pool-sessions.js";

/** `cao run`'s flags, validated; `codexArgs` are the words after `--`, untouched. */
export interface RunOptions {
  account?: string;
  fallback: boolean;
  maxPasses: number;
  retryDelayMs: number;
  codexPath?: string;
  gateway: boolean;
  /** On a switch, start codex over with the same arguments instead of resuming the session (src/run/resume-args.ts). */
  restart: boolean;
  codexArgs: string[];
  /** The session cao chose for `resume --last` or the picker (src/run/pool-resume.ts), now in codexArgs. */
  chosenSession?: PoolSession;
}

/** The flags as citty hands them over (strings, so bad numbers reach our own checks). */
export interface RawRunFlags {
  account?: unknown;
  fallback?: unknown;
  "max-passes"?: unknown;
  "retry-delay"?: unknown;
  codex?: unknown;
  gateway?: unknown;
  restart?: unknown;
  _?: unknown;
}

const DEFAULT_MAX_PASSES = 2;

export function parseRunOptions(flags: RawRunFlags, codexArgs: string[]): RunOptions {
  const stray = Array.isArray(flags._) ? flags._ : [];
  if (stray.length > 0) {
    throw usageError(
      `unexpected argument ${JSON.stringify(String(stray[0]))}`,
      'codex\'s own arguments go after `--`, e.g. `cao run -- exec "fix the tests"`',
    );
  }
  const options: RunOptions = {
    fallback: flags.fallback !== false,
    maxPasses: flags["max-passes"] === undefined ? DEFAULT_MAX_PASSES : parseMaxPasses(flags["max-passes"]),
    retryDelayMs: flags["retry-delay"] === undefined ? 0 : parseRetryDelay(flags["retry-delay"]) * 1000,
    gateway: flags.gateway === true,
    restart: flags.restart === true,
    codexArgs,
  };
  if (flags.account !== undefined)
    options.account = validateAccountName(stringFlag("--account", flags.account));
  if (flags.codex !== undefined) options.codexPath = stringFlag("--codex", flags.codex);
  if (options.gateway) rejectGatewayConflicts(flags);
  return options;
}

function stringFlag(name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw usageError(`${name} needs a value`);
  return value;
}

function parseMaxPasses(value: unknown): number {
  const text = typeof value === "string" ? value.trim() : "";
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw usageError(`--max-passes must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  }
  return n;
}

function parseRetryDelay(value: unknown): number {
  const text = typeof value === "string" ? value.trim() : "";
  const n = Number(text);
  // Plain decimal seconds only: "1e3", "0x10" and "Infinity" are more likely typos than intent.
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text) || !Number.isFinite(n)) {
    throw usageError(`--retry-delay must be a number of seconds (0 or more), not ${JSON.stringify(value)}`);
  }
  return n;
}

/** The gateway switches accounts itself; the fallback flags would silently do nothing. */
function rejectGatewayConflicts(flags: RawRunFlags): void {
  const conflicting = [
    flags.account !== undefined && "--account",
    flags.fallback === false && "--no-fallback",
    flags["max-passes"] !== undefined && "--max-passes",
    flags["retry-delay"] !== undefined && "--retry-delay",
    flags.restart === true && "--restart",
  ].filter((flag): flag is string => typeof flag === "string");
  if (conflicting.length > 0) {
    throw usageError(
      `--gateway cannot be combined with ${conflicting.join(", ")}`,
      "the gateway picks and switches accounts itself",
    );
  }
}
