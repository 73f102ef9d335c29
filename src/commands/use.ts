import { defineCommand } from "citty";
import { defaultAccountNotes } from "../accounts/switch.js";
import { validateAccountName } from "../core/account-name.js";
import { usageError } from "../core/errors.js";
import { loadRegistry, requireAccount, updateRegistry } from "../core/registry.js";
import { setShellAccountCode, unsetShellAccountCode } from "../shell/shell-code.js";
import { parseShell } from "../shell/shells.js";
import { log } from "../terminal/log.js";
import { printJson } from "../terminal/stdout.js";

export default defineCommand({
  meta: { name: "use", description: "Set the default account (or, with --shell, this shell's account)" },
  args: {
    name: { type: "positional", description: "Account name", required: false },
    shell: {
      type: "boolean",
      description: "Only for the current shell (needs the shell integration: `cao init`)",
    },
    unset: { type: "boolean", description: "With --shell: follow the directory pin and default again" },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    if (args.shell) {
      // Set (as a prefix, for this call only) by the `cao` function of `cao init`,
      // which evaluates what is printed here: a child process cannot change its shell.
      const host = process.env.__CAO_SHELL;
      if (!host) {
        throw usageError(
          "`cao use --shell` changes only the current shell, which needs cao's shell function",
          'load it with `eval "$(cao init bash)"` (or zsh; fish: `cao init fish | source`), or `cao init SHELL --install`',
        );
      }
      const shell = parseShell(host);
      if (args.unset) {
        process.stdout.write(`${unsetShellAccountCode(shell)}\n`);
        await log.success("this shell follows the directory pin and the default again");
        return;
      }
      if (!args.name) throw usageError("which account? `cao use --shell NAME`");
      const name = validateAccountName(String(args.name));
      requireAccount(loadRegistry(), name);
      process.stdout.write(`${setShellAccountCode(shell, name)}\n`);
      await log.success(`this shell now uses ${name}`);
      return;
    }
    if (args.unset) throw usageError("--unset goes with --shell");
    if (!args.name) throw usageError("which account? `cao use NAME`");
    const name = validateAccountName(String(args.name));
    updateRegistry((registry) => {
      requireAccount(registry, name);
      registry.default_account = name;
    });
    await log.success(`default account set to ${name}`);
    const notes = defaultAccountNotes(name);
    for (const note of notes) await log.warn(note);
    if (args.json) printJson({ defaultAccount: name, notes });
  },
});
