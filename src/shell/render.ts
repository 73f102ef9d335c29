import { fillTemplate, readTemplate, shellsDir } from "../core/template.js";
import { quote, SHELL_EXTENSION, type ShellName } from "./shells.js";

/** What the prompt part of the script does: nothing, keep $CAO_PROMPT current, or also show it. */
export type PromptMode = "none" | "hook" | "show";

export interface InitOptions {
  prompt: PromptMode;
}

export function readShellSource(file: string): string {
  return readTemplate(shellsDir, file);
}

/** The flags that reproduce these options on the command line (install lines, cache regeneration). */
export function initFlags(options: InitOptions): string[] {
  if (options.prompt === "show") return ["--prompt"];
  if (options.prompt === "hook") return ["--prompt-hook"];
  return [];
}

/** The line a user adds to their rc file to load the (uncached) script. */
export function installLine(shell: ShellName, options: InitOptions): string {
  const command = ["cao", "init", shell, ...initFlags(options)].join(" ");
  switch (shell) {
    case "bash":
    case "zsh":
      return `eval "$(${command})"`;
    case "fish":
      return `${command} | source`;
    case "powershell":
      return `${command} | Out-String | Invoke-Expression`;
  }
}

/** The init script: shells/cao.<ext>, then the prompt parts asked for, then its install line. */
export function renderInit(shell: ShellName, caoPath: string, options: InitOptions): string {
  const ext = SHELL_EXTENSION[shell];
  const parts = [readShellSource(`cao.${ext}`)];
  if (options.prompt !== "none") parts.push(readShellSource(`prompt-hook.${ext}`));
  if (options.prompt === "show") parts.push(readShellSource(`prompt-show.${ext}`));
  // The one token in shells/cao.*: the cao executable's path, quoted per shell.
  const body = fillTemplate(parts.join("\n"), { CAO: quote(shell, caoPath) }, `cao.${ext}`);
  return `${body}\n# To load cao in every new ${shell}, add this line to your ${rcName(shell)}:\n#   ${installLine(shell, options)}\n`;
}

export function rcName(shell: ShellName): string {
  switch (shell) {
    case "bash":
      return "~/.bashrc";
    case "zsh":
      return "~/.zshrc";
    case "fish":
      return "~/.config/fish/config.fish";
    case "powershell":
      return "$PROFILE";
  }
}
