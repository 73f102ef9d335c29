import { validateAccountName } from "../core/account-name.js";
import { readAuthFile, summarizeAuth } from "../core/auth-file.js";
import { usageError } from "../core/errors.js";
import { authPath, dataDir } from "../core/paths.js";
import { loadRegistry, requireAccount, updateRegistry } from "../core/registry.js";
import { log } from "../terminal/log.js";

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
