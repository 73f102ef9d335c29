import { usageError } from "../core/errors.js";
import { SHELLS, type ShellName, shellNamed } from "./shells.js";

/** A shell named on the command line, or a usage error (exit 2) listing the supported ones. */
export function parseShell(value: unknown): ShellName {
  const shell = shellNamed(value);
  if (shell) return shell;
  throw usageError(
    `unknown shell ${JSON.stringify(String(value ?? ""))}`,
    `supported: ${SHELLS.join(", ")} (pwsh is an alias of powershell)`,
  );
}
