import { caoVersion } from "../core/version.js";
import { codexArgs } from "../run/codex-args.js";
import { guarded } from "../terminal/report.js";
import { writeStdout } from "../terminal/stdout.js";
import { parseInvocation } from "./invocation.js";

const VERSION_FLAGS = ["--version", "-V", "-v"];

/**
 * The invocations on a start-up budget, served without citty or any command
 * module: `--version`, `cao init SHELL` (every shell start), `cao status` views
 * (prompts, scripts) and a plain `cao run -- ...`. Returns false when argv is
 * anything else, for the full CLI (src/cli/runner.ts) to handle.
 */
export async function runHotPath(argv: string[]): Promise<boolean> {
  if (argv.length === 1 && VERSION_FLAGS.includes(argv[0] ?? "")) {
    writeStdout(caoVersion());
    return true;
  }
  if (argv[0] === "init") return (await import("../shell/init-fast.js")).initFastPath(argv.slice(1));
  let served = false;
  await guarded(async () => {
    // A bad --data-dir is answered here too (served), not twice.
    served = true;
    const { own, passthrough } = parseInvocation(argv);
    codexArgs.passthrough = passthrough;
    if (own[0] === "status") served = await (await import("../status/show.js")).tryFastStatus(own.slice(1));
    else if (own[0] === "run")
      served = await (await import("../run/run-command.js")).tryFastRun(own.slice(1));
    else served = false;
  });
  return served;
}
