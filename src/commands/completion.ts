import { type CommandDef, defineCommand } from "citty";
import { ensureAccountsState } from "../core/registry.js";
import { renderCompletion } from "../shell/completion.js";
import { parseShell } from "../shell/shells.js";

/** `cao completion SHELL`; the command tree it completes is passed in by the CLI root (no import back up). */
export function completionCommand(tree: () => CommandDef) {
  return defineCommand({
    meta: {
      name: "completion",
      description:
        "Print the completion script for bash, zsh, fish or powershell (commands, flags, accounts)",
    },
    args: {
      shell: { type: "positional", description: "bash, zsh, fish or powershell", required: true },
    },
    async run({ args }) {
      const shell = parseShell(args.shell);
      ensureAccountsState();
      process.stdout.write(await renderCompletion(shell, tree()));
    },
  });
}
