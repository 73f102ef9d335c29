import { validateAccountName } from "../core/account-name.js";
import { resolveActiveAccount } from "../core/active-account.js";
import { readAuthFile, summarizeAuth } from "../core/auth-file.js";
import { usageError } from "../core/errors.js";
import { authPath, dataDir } from "../core/paths.js";
import { loadRegistry, requireAccount, updateRegistry } from "../core/registry.js";
import { log } from "../terminal/log.js";

/**
 * What the user should know after making NAME the default: that a shell
 * choice or a directory pin still wins here, and that an account without a
 * login cannot serve codex yet.
 */
export function defaultAccountNotes(name: string, cwd = process.cwd(), dir = dataDir()): string[] {
  const notes: string[] = [];
  const active = resolveActiveAccount({ cwd, registry: loadRegistry(dir) });
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

export function setDefaultAccount(name: string, dir = dataDir()): void {
  validateAccountName(name);
  updateRegistry((registry) => {
    requireAccount(registry, name);
    registry.default_account = name;
  }, dir);
}

/** Asks which account becomes the default; undefined when the user cancels. */
export async function pickAccount(dir = dataDir()): Promise<string | undefined> {
  if (!process.stdin.isTTY) {
    throw usageError("`cao switch` needs a terminal to pick from", "name the account: `cao switch NAME`");
  }
  const registry = loadRegistry(dir);
  if (registry.accounts.length === 0) throw usageError("no accounts yet", "add one with `cao add NAME`");
  const options = registry.accounts.map((name) => {
    const auth = summarizeAuth(readAuthFile(authPath(name, dir)));
    const who = auth.state === "ok" ? (auth.email ?? "logged in") : "not logged in";
    const mark = name === registry.default_account ? " (default)" : "";
    return { value: name, label: name, hint: `${who}${mark}` };
  });
  const picked = await log.prompt<string | symbol>("Default account", {
    type: "select",
    options,
    initial: registry.default_account ?? undefined,
    cancel: "symbol",
  });
  return typeof picked === "string" ? picked : undefined;
}
