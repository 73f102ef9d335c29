import { mainCodexHome } from "./paths.js";

/**
 * The environment cao hands to codex for one account. CODEX_API_KEY is removed:
 * with forced_login_method="chatgpt" it makes Codex log out and delete
 * auth.json. CODEX_SQLITE_HOME points at the main home so thread history is
 * shared and `resume` works across accounts.
 */
export function codexEnv(accountHome: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, CODEX_HOME: accountHome, CODEX_SQLITE_HOME: mainCodexHome(base) };
  delete env.CODEX_API_KEY;
  return env;
}
