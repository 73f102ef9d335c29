import { usageError } from "../core/errors.js";
import { fishQuote, psQuote, shQuote } from "../core/quoting.js";

/** The shells cao integrates with, and how each one spells things. */
export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type ShellName = (typeof SHELLS)[number];

/** File extension of the per-shell sources under shells/. */
export const SHELL_EXTENSION: Record<ShellName, string> = {
  bash: "bash",
  zsh: "zsh",
  fish: "fish",
  powershell: "ps1",
};

/** The shell a name stands for (pwsh is powershell), or undefined. */
export function shellNamed(value: unknown): ShellName | undefined {
  const name = String(value ?? "").toLowerCase();
  const shell = name === "pwsh" ? "powershell" : name;
  return (SHELLS as readonly string[]).includes(shell) ? (shell as ShellName) : undefined;
}

/** A shell named on the command line, or a usage error (exit 2) listing the supported ones. */
export function parseShell(value: unknown): ShellName {
  const shell = shellNamed(value);
  if (shell) return shell;
  throw usageError(
    `unknown shell ${JSON.stringify(String(value ?? ""))}`,
    `supported: ${SHELLS.join(", ")} (pwsh is an alias of powershell)`,
  );
}

/** A string as one literal word in the shell's syntax (src/core/quoting.ts). */
export function quote(shell: ShellName, value: string): string {
  switch (shell) {
    case "bash":
    case "zsh":
      return shQuote(value);
    case "fish":
      return fishQuote(value);
    case "powershell":
      return psQuote(value);
  }
}
