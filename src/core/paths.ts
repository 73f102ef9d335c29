import os from "node:os";
import path from "node:path";

/** The data dir: `$CAO_HOME`, default `~/.codex-account-orchestrator` (the seed's location). */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAO_HOME?.trim();
  return path.resolve(fromEnv ? expandHome(fromEnv) : path.join(os.homedir(), ".codex-account-orchestrator"));
}

export function expandHome(p: string): string {
  if (p === "~") return os.homedir();
  if (p.startsWith("~/")) return path.join(os.homedir(), p.slice(2));
  return p;
}

export const registryPath = (dir = dataDir()): string => path.join(dir, "registry.json");
export const statusPath = (dir = dataDir()): string => path.join(dir, "account_status.json");
export const accountDir = (name: string, dir = dataDir()): string => path.join(dir, name);
export const authPath = (name: string, dir = dataDir()): string =>
  path.join(accountDir(name, dir), "auth.json");
export const accountConfigPath = (name: string, dir = dataDir()): string =>
  path.join(accountDir(name, dir), "config.toml");

/**
 * Plain-text files the shell code reads with builtins (no Node on the prompt or
 * wrapper path). Account names cannot start with a dot, so `.state` never
 * collides with an account directory.
 */
export const stateDir = (dir = dataDir()): string => path.join(dir, ".state");
export const locksDir = (dir = dataDir()): string => path.join(dir, ".locks");

/**
 * The user's main Codex home, whose settings, sessions, history and SQLite
 * state every account home shares. `$CODEX_HOME` counts only when it is not one
 * of cao's own account homes (codex started by cao may call cao back).
 */
export function mainCodexHome(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.CAO_MAIN_CODEX_HOME?.trim();
  if (explicit) return path.resolve(expandHome(explicit));
  const codexHome = env.CODEX_HOME?.trim();
  if (codexHome) {
    const resolved = path.resolve(expandHome(codexHome));
    const data = dataDir(env);
    if (resolved !== data && !resolved.startsWith(data + path.sep)) return resolved;
  }
  return path.join(os.homedir(), ".codex");
}
/** cao's own settings (core/settings.ts, docs/pool.md). */
export const settingsPath = (dir = dataDir()): string => path.join(dir, "cao.toml");
