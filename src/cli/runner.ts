import type { CommandDef } from "citty";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { codexArgs } from "../run/codex-args.js";
import { guarded } from "../terminal/report.js";
import { printOut } from "../terminal/stdout.js";
import { rejectUnknownFlags, resolveCommand } from "./command-tree.js";
import { renderHelp } from "./help.js";
import { parseInvocation } from "./invocation.js";

/**
 * The full CLI: citty over the lazily loaded command tree (src/cli/root.ts).
 * The hot paths (src/cli/hot-paths.ts) have been tried first by the entry.
 */
export async function run(argv: string[]): Promise<void> {
  await guarded(async () => {
    const { own, passthrough } = parseInvocation(argv);
    codexArgs.passthrough = passthrough;
    const { root } = await import("./root.js");
    await dispatch(root, own);
  });
}

// biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is generic over each command's own args
async function dispatch(root: CommandDef<any>, own: string[]): Promise<void> {
  // `cao help gateway start` is `cao gateway start --help`.
  const asksHelp = own[0] === "help" || own.includes("--help") || own.includes("-h");
  const words = own[0] === "help" ? own.slice(1) : own;
  const command = await resolveCommand(root, words);
  // A bare group (`cao`, `cao gateway`) has nothing to run: its help is the answer.
  if (asksHelp || command.isGroup) {
    if (!asksHelp && command.rest.some((word) => word.startsWith("-"))) await rejectUnknownFlags(command);
    printOut(await renderHelp(command));
    return;
  }
  await rejectUnknownFlags(command);
  const { runCommand } = await import("citty");
  try {
    await runCommand(root, { rawArgs: own });
  } catch (error) {
    throw translateCittyError(error);
  }
}

function translateCittyError(error: unknown): unknown {
  if (error instanceof Error && error.name === "CLIError") {
    // citty colours its messages; keep one plain line.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
    return new CaoError(error.message.replace(/\u001b\[[0-9;]*m/g, ""), ExitCode.usage, "see `--help`");
  }
  return error;
}
