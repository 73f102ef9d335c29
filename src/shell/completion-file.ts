import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { CaoError, errnoCode } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { quote, SHELL_EXTENSION, type ShellName } from "./shells.js";

/**
 * Where `cao init SHELL --install` puts the completion script its rc block
 * loads: `$XDG_DATA_HOME/cao/completion.EXT` (default ~/.local/share). A file,
 * not `cao completion SHELL` in the rc block, so a new shell starts no second
 * process; `--install` writes it again (after an upgrade, run it once more).
 */
export function completionFile(shell: ShellName, env: NodeJS.ProcessEnv = process.env): string {
  const data = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), ".local", "share");
  return path.join(data, "cao", `completion.${SHELL_EXTENSION[shell]}`);
}

export function writeCompletionFile(shell: ShellName, script: string): string {
  const file = completionFile(shell);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, script, { mode: 0o644 });
  } catch (error) {
    throw new CaoError(`cannot write ${file}: ${errnoCode(error) ?? String(error)}`, ExitCode.failure);
  }
  return file;
}

export function removeCompletionFile(shell: ShellName): void {
  fs.rmSync(completionFile(shell), { force: true });
}

/** The rc line that loads the completion file while it is there. */
export function completionLoadLine(shell: ShellName, file: string): string {
  const q = quote(shell, file);
  switch (shell) {
    case "bash":
    case "zsh":
      return `if [ -r ${q} ]; then . ${q}; fi`;
    case "fish":
      return `test -r ${q}; and source ${q}`;
    case "powershell":
      return `if (Test-Path -LiteralPath ${q}) { . ${q} }`;
  }
}
