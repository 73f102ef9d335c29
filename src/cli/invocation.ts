import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";

export interface Invocation {
  /** cao's own words, with the global `--data-dir` taken out. */
  own: string[];
  /** The words after the first `--`: codex's, passed on untouched (`--help`, `-m x`, flags cao also has). */
  passthrough: string[];
}

/**
 * Splits argv at the first `--` before any parser sees it, and applies the
 * global `--data-dir DIR` (anywhere before `--`) as $CAO_HOME, so everything
 * cao starts sees the same data dir.
 */
export function parseInvocation(argv: string[]): Invocation {
  const dash = argv.indexOf("--");
  const own = dash === -1 ? [...argv] : argv.slice(0, dash);
  const passthrough = dash === -1 ? [] : argv.slice(dash + 1);
  for (let i = 0; i < own.length; i++) {
    const word = own[i] ?? "";
    if (word === "--data-dir" || word.startsWith("--data-dir=")) {
      const value = word === "--data-dir" ? own[i + 1] : word.slice("--data-dir=".length);
      if (!value) throw new CaoError("--data-dir needs a directory", ExitCode.usage);
      process.env.CAO_HOME = value;
      own.splice(i, word === "--data-dir" ? 2 : 1);
      i--;
    }
  }
  return { own, passthrough };
}
