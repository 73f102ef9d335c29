import path from "node:path";
import { mainCodexHome } from "../core/paths.js";
import { isTerminal } from "../terminal/stdout.js";
import type { RawRunFlags } from "./options.js";
import { parseRunOptions } from "./options.js";
import { mentionsResume } from "./resume-args.js";

/** `cao run` itself, for the citty command and the runner's fast path alike. */
export async function runCaoRun(flags: RawRunFlags, codexArgs: string[]): Promise<void> {
  const options = parseRunOptions(flags, codexArgs);
  if (mentionsResume(codexArgs)) {
    // `resume --last` or the picker: the pool's latest session, whichever account made it.
    const { poolResume } = await import("./pool-resume.js");
    const resume = await poolResume(codexArgs, {
      sessionsDir: path.join(mainCodexHome(), "sessions"),
      cwd: process.cwd(),
      terminal: (await isTerminal(0)) && (await isTerminal(1)),
    });
    options.codexArgs = resume.args;
    if (resume.chosen) options.chosenSession = resume.chosen;
  }
  if (options.gateway) {
    const { runThroughGateway } = await import("./gateway-run.js");
    process.exitCode = await runThroughGateway(options.codexPath, options.codexArgs, options.chosenSession);
    return;
  }
  const { runWithFallback } = await import("./fallback-run.js");
  process.exitCode = await runWithFallback(options);
}

/**
 * `cao run` with no flags of its own (`cao run -- <codex args>`, the common
 * case) sits in front of every codex start: it skips citty (~10 ms to load and
 * dispatch). Anything else (flags, --help) goes the full way.
 */
export async function tryFastRun(ownArgs: string[]): Promise<boolean> {
  if (ownArgs.length > 0) return false;
  const { codexArgs } = await import("./codex-args.js");
  await runCaoRun({ fallback: true }, codexArgs.passthrough);
  return true;
}
