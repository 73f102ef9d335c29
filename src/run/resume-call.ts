import path from "node:path";
import { dataDir } from "../core/paths.js";
import { isTerminal } from "../terminal/stdout.js";
import { poolResume, releaseSession } from "./pool-resume.js";
import { runCodex } from "./spawn-codex.js";

/**
 * `cao internal resume`: the wrappers and shims hand a call that may be a
 * resume here with the environment codex will run in already set
 * (CODEX_HOME, the gateway's `-c`). cao picks the pool's session, then runs
 * codex on the terminal as it is and returns codex's exit status.
 */
export async function runPoolResume(codexBin: string, codexArgs: string[]): Promise<number> {
  const home = process.env.CODEX_HOME;
  let args = codexArgs;
  if (home) {
    const terminal = (await isTerminal(0)) && (await isTerminal(1));
    const sessionsDir = path.join(home, "sessions");
    const resume = await poolResume(codexArgs, { sessionsDir, cwd: process.cwd(), terminal });
    const homeAccount =
      path.dirname(path.resolve(home)) === path.resolve(dataDir()) ? path.basename(home) : undefined;
    await releaseSession(resume.chosen, homeAccount, codexBin, { sessionsDir });
    args = resume.args;
  }
  return (await runCodex(codexBin, args, process.env, true)).exitCode;
}
