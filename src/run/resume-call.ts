import path from "node:path";
import { isTerminal } from "../terminal/stdout.js";
import { poolResumeArgs } from "./pool-resume.js";
import { runCodex } from "./spawn-codex.js";

/**
 * `cao internal resume`: the wrappers and shims hand a call that may be a
 * resume here with the environment codex will run in already set
 * (CODEX_HOME, the gateway's `-c`). cao picks the pool's session, then runs
 * codex on the terminal as it is and returns codex's exit status.
 */
export async function runPoolResume(codexBin: string, codexArgs: string[]): Promise<number> {
  const home = process.env.CODEX_HOME;
  const terminal = (await isTerminal(0)) && (await isTerminal(1));
  const args = home
    ? await poolResumeArgs(codexArgs, {
        sessionsDir: path.join(home, "sessions"),
        cwd: process.cwd(),
        terminal,
      })
    : codexArgs;
  return (await runCodex(codexBin, args, process.env, true)).exitCode;
}
