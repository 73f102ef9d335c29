import { type CompletionEntry, completionEntries } from "./completion-spec.js";
import { readShellSource } from "./render.js";
import { quote, SHELL_EXTENSION, type ShellName } from "./shells.js";

/** The token in shells/completion.* replaced by the command table. */
export const TABLE_TOKEN = "::CAO_COMMANDS::";

/** The completion script for the command tree (cao's own unless `entries` are given). */
export async function renderCompletion(shell: ShellName, entries?: CompletionEntry[]): Promise<string> {
  const table = entries ?? (await completionEntries((await import("../cli/root.js")).root as never));
  const template = readShellSource(`completion.${SHELL_EXTENSION[shell]}`);
  return template.replace(TABLE_TOKEN, () => renderTable(shell, table));
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
    case "fish":
      return entries
        .map(
          (e) =>
            `        case ${q(e.path)}\n            echo ${e.takesAccount ? 1 : 0} ${e.words.map(q).join(" ")}`,
        )
        .join("\n");
    case "powershell":
      return entries
        .map(
          (e) =>
            `        ${q(e.path)} = @(${e.takesAccount ? "$true" : "$false"}, @(${e.words.map(q).join(", ")}))`,
        )
        .join("\n");
  }
}
