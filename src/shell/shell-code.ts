import { quote, type ShellName } from "./shells.js";

/** The code the `cao` shell function evaluates for `cao use --shell NAME` (and `--unset`). */
export function setShellAccountCode(shell: ShellName, name: string): string {
  switch (shell) {
    case "bash":
    case "zsh":
      return `export CAO_ACCOUNT=${quote(shell, name)}`;
    case "fish":
      return `set -gx CAO_ACCOUNT ${quote(shell, name)}`;
    case "powershell":
      return `$env:CAO_ACCOUNT = ${quote(shell, name)}`;
  }
}

export function unsetShellAccountCode(shell: ShellName): string {
  switch (shell) {
    case "bash":
    case "zsh":
      return "unset CAO_ACCOUNT";
    case "fish":
      return "set -e CAO_ACCOUNT";
    case "powershell":
      return "Remove-Item Env:CAO_ACCOUNT -ErrorAction SilentlyContinue";
  }
}
