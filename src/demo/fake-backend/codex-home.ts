import fs from "node:fs";
import path from "node:path";
import type { FakeBackend } from "./types.js";

/**
 * Config for a Codex home that talks only to the fake backend: both base URLs
 * point at it, and the background calls that would otherwise fail offline
 * (update check, analytics, plugins, apps/MCP) are switched off.
 */
export function fakeCodexConfigToml(backend: FakeBackend): string {
  return [
    'cli_auth_credentials_store = "file"',
    'forced_login_method = "chatgpt"',
    `openai_base_url = "${backend.codexBaseUrl}"`,
    offlineCodexSettings(backend),
  ].join("\n");
}

/**
 * Config that keeps Codex's own background calls (usage, plugins, MCP apps,
 * analytics, update check) on the fake backend or off, so nothing leaves
 * loopback. Top-level keys first: they must precede the tables.
 */
export function offlineCodexSettings(backend: FakeBackend): string {
  return [
    `chatgpt_base_url = "${backend.chatgptBaseUrl}"`,
    "check_for_update_on_startup = false",
    "",
    "[analytics]",
    "enabled = false",
    "",
    "[features]",
    "plugins = false",
    "apps = false",
    "",
  ].join("\n");
}

/**
 * Makes `dir` a ready CODEX_HOME signed in to `accountId` on the fake backend
 * (auth.json 0600 in a 0700 dir). Returns the environment to run codex with
 * (with the backend's CA as `CODEX_CA_CERTIFICATE` when it serves HTTPS).
 */
export function prepareFakeCodexHome(
  backend: FakeBackend,
  dir: string,
  accountId: string,
  options: { accessTtlSeconds?: number } = {},
): { CODEX_HOME: string; CODEX_REFRESH_TOKEN_URL_OVERRIDE: string; CODEX_CA_CERTIFICATE?: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { authJson } = backend.mintAuth(accountId, options);
  fs.writeFileSync(path.join(dir, "auth.json"), `${JSON.stringify(authJson, null, 2)}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "config.toml"), fakeCodexConfigToml(backend));
  return {
    CODEX_HOME: dir,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl,
    ...(backend.caCertFile && { CODEX_CA_CERTIFICATE: backend.caCertFile }),
  };
}
