import { writeStdout } from "../terminal/stdout.js";
import { caoExecutablePath } from "./cao-path.js";
import { type PromptMode, renderInit } from "./render.js";
import { type ShellName, shellNamed } from "./shells.js";

/**
 * Prints the init script (or, with `cached`, writes the cache file and prints
 * its loader). Shared by `cao init` and the start-up fast path (src/cli/hot-paths.ts). The
 * modules every shell start needs are static imports (one module graph to
 * load); the cached form's are loaded only for it.
 */
export async function printInit(shell: ShellName, prompt: PromptMode, cached: boolean): Promise<void> {
  const caoPath = caoExecutablePath();
  const options = { prompt };
  if (cached) {
    const { cacheLoader, writeInitCache } = await import("./init-cache.js");
    writeStdout(cacheLoader(shell, writeInitCache(shell, caoPath, options), caoPath, options));
    return;
  }
  writeStdout(renderInit(shell, caoPath, options));
}

const FAST_FLAGS = new Set(["--prompt", "--prompt-hook", "--cached"]);

/**
 * `cao init SHELL [--prompt | --prompt-hook] [--cached]` without citty: it runs
 * at every shell start (`eval "$(cao init zsh)"`), where loading citty and
 * resolving the command tree cost more than the rest of the command. Returns
 * false for anything else (--install, --help, bad input), which the regular
 * command then handles, errors included.
 */
export async function initFastPath(args: string[]): Promise<boolean> {
  const [name, ...flags] = args;
  const shell = shellNamed(name);
  if (!shell) return false;
  if (flags.some((flag) => !FAST_FLAGS.has(flag))) return false;
  const prompt = flags.includes("--prompt") ? "show" : flags.includes("--prompt-hook") ? "hook" : "none";
  if (prompt === "show" && flags.includes("--prompt-hook")) return false;
  await printInit(shell, prompt, flags.includes("--cached"));
  return true;
}
