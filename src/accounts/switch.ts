import { validateAccountName } from "../core/account-name.js";
import { type ActiveAccount, resolveActiveAccount } from "../core/active-account.js";
import { readAuthFile, summarizeAuth } from "../core/auth-file.js";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { authPath, dataDir } from "../core/paths.js";
import { loadRegistry, requireAccount, updateRegistry } from "../core/registry.js";

/**
 * What the user should know after making NAME the default: that a shell
 * choice or a directory pin still wins here, and that an account without a
 * login cannot serve codex yet.
 */
export function defaultAccountNotes(name: string, cwd = process.cwd(), dir = dataDir()): string[] {
  const notes: string[] = [];
  const active = activeHere(cwd, dir, notes);
  if (active && active.name !== name && active.source === "shell") {
    notes.push(`this shell still uses ${active.name} (\`cao use --shell --unset\` to follow the default)`);
  }
  if (active && active.name !== name && active.source === "pin") {
    notes.push(
      `here codex still uses ${active.name}, pinned in ${active.pinFile} (\`cao pin --unset\` removes it)`,
    );
  }
  if (summarizeAuth(readAuthFile(authPath(name, dir))).state !== "ok") {
    notes.push(`${name} has no working login yet: \`cao add ${name} --relogin\``);
  }
  return notes;
}

/** The account codex uses here; an invalid pin or shell choice becomes a note (the default was still set). */
function activeHere(cwd: string, dir: string, notes: string[]): ActiveAccount | undefined {
  try {
    return resolveActiveAccount({ cwd, registry: loadRegistry(dir) });
  } catch (error) {
    if (!(error instanceof CaoError) || error.exitCode !== ExitCode.usage) throw error;
    notes.push(`codex will not run here until this is fixed: ${error.message}`);
    return undefined;
  }
}

export function setDefaultAccount(name: string, dir = dataDir()): void {
  validateAccountName(name);
  updateRegistry((registry) => {
    requireAccount(registry, name);
    registry.default_account = name;
  }, dir);
}
