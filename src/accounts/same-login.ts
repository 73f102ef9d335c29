import { readAuthFile } from "../core/auth-file.js";
import { authPath, dataDir } from "../core/paths.js";
import { loadRegistry } from "../core/registry.js";
import { loginIdentity, sameUser } from "./login-identity.js";

/** Other accounts logged in to the same ChatGPT account and user as `name` (a wasted slot). */
export function accountsWithSameLogin(name: string, dir = dataDir()): string[] {
  const own = readAuthFile(authPath(name, dir));
  if (own.kind !== "ok") return [];
  const identity = loginIdentity(own.auth);
  return loadRegistry(dir).accounts.filter((other) => {
    if (other === name) return false;
    const read = readAuthFile(authPath(other, dir));
    return read.kind === "ok" && sameUser(loginIdentity(read.auth), identity);
  });
}
