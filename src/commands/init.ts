import { type CommandDef, defineCommand } from "citty";
import { usageError } from "../core/errors.js";
import { caoExecutablePath } from "../shell/cao-path.js";
import { renderCompletion } from "../shell/completion.js";
import { printInit } from "../shell/init-fast.js";
import { installInit, uninstallInit } from "../shell/rc-file.js";
import { parseShell } from "../shell/shells.js";

/** `cao init SHELL`; the command tree (for the completions --install writes) is passed in by the CLI root. */
export function initCommand(tree: () => CommandDef) {
  return defineCommand({
    meta: {
      name: "init",
      description: "Print (or install) the shell integration: the codex and cao functions, prompt segment",
    },
    args: {
      shell: { type: "positional", description: "bash, zsh, fish or powershell", required: true },
      prompt: { type: "boolean", description: "Also show the account and its 5-hour usage in the prompt" },
      "prompt-hook": {
        type: "boolean",
        description: "Only keep $CAO_PROMPT current (for starship or your own prompt)",
      },
      cached: {
        type: "boolean",
        description:
          "Write the script to a cache file (re-generated when cao's version changes) and load that",
      },
      install: {
        type: "boolean",
        description: "Add the init line (and the completions) to your shell's rc file",
      },
      uninstall: { type: "boolean", description: "Remove what --install added, restoring the rc file" },
      rc: {
        type: "string",
        description: "The rc file for --install/--uninstall (default: the shell's usual one)",
      },
    },
    async run({ args }) {
      // Only node:fs/path here: this runs at every shell start (no consola, execa, toml).
      const shell = parseShell(args.shell);
      if (args.prompt && args["prompt-hook"]) throw usageError("use --prompt or --prompt-hook, not both");
      if (args.install && args.uninstall) throw usageError("use --install or --uninstall, not both");
      const options = { prompt: args.prompt ? "show" : args["prompt-hook"] ? "hook" : "none" } as const;
      if (args.install || args.uninstall) {
        const caoPath = caoExecutablePath();
        const rc = args.rc ? String(args.rc) : undefined;
        const message = args.install
          ? installInit(shell, caoPath, options, {
              cached: Boolean(args.cached),
              rc,
              completion: await renderCompletion(shell, tree()),
            })
          : uninstallInit(shell, { rc });
        process.stderr.write(`${message}\n`);
        return;
      }
      await printInit(shell, options.prompt, Boolean(args.cached));
    },
  });
}
