import type { CommandDef } from "citty";
import { fillTemplate } from "../core/template.js";
import { type CompletionEntry, completionEntries } from "./completion-spec.js";
import { readShellSource } from "./render.js";
import { quote, SHELL_EXTENSION, type ShellName } from "./shells.js";

/** The completion script for a command tree (the caller passes cao's own: the shell layer never imports the CLI). */
export async function renderCompletion(
  shell: ShellName,
  tree: CommandDef | CompletionEntry[],
): Promise<string> {
  const table = Array.isArray(tree) ? tree : await completionEntries(tree);
  const name = `completion.${SHELL_EXTENSION[shell]}`;
  // The comment line `# ::CAO_COMMANDS::` becomes the command table.
  return fillTemplate(readShellSource(name), { CAO_COMMANDS: renderTable(shell, table) }, name);
}

function renderTable(shell: ShellName, entries: CompletionEntry[]): string {
  const q = (value: string) => quote(shell, value);
  switch (shell) {
    case "bash":
    case "zsh":
      return entries
        .map(
          (e) =>
            `  ${q(e.path)}) __cao_words=${q(e.words.join(" "))} __cao_accounts=${e.takesAccount ? 1 : 0} ;;`,
        )
        .join("\n");
    case "fish": {
      // fish_indent leaves plain words unquoted; render them that way so the output passes --check.
      const word = (w: string) => (/^[A-Za-z0-9_.@+/-]+$/.test(w) ? w : q(w));
      return entries
        .map(
          (e) =>
            `        case ${word(e.path)}\n            echo ${e.takesAccount ? 1 : 0} ${e.words.map(word).join(" ")}`,
        )
        .join("\n");
    }
    case "powershell":
      return entries
        .map(
          (e) =>
            `        ${q(e.path)} = @(${e.takesAccount ? "$true" : "$false"}, @(${e.words.map(q).join(", ")}))`,
        )
        .join("\n");
  }
}
