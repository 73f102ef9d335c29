import fs from "node:fs";
import path from "node:path";
import { ensurePrivateDir } from "../core/atomic-write.js";
import { ensureAccountHome } from "../core/codex-home.js";
import { authPath } from "../core/paths.js";
import { updateRegistry } from "../core/registry.js";
import { offlineCodexSettings } from "./fake-backend/codex-home.js";
import type { FakeBackend } from "./fake-backend/types.js";

/**
 * A cao data dir whose accounts are logged in to a fake backend: what `cao
 * demo` runs on, and the tests and benchmarks too. `accounts` maps a cao
 * account name to the fake backend's account id.
 */
export function registerFakeAccounts(
  backend: FakeBackend,
  dir: string,
  accounts: { name: string; accountId: string; accessTtlSeconds?: number }[],
): void {
  ensurePrivateDir(dir);
  for (const { name, accountId, accessTtlSeconds } of accounts) {
    ensureAccountHome(name, dir);
    const { authJson } = backend.mintAuth(accountId, accessTtlSeconds ? { accessTtlSeconds } : undefined);
    const file = authPath(name, dir);
    fs.writeFileSync(file, `${JSON.stringify(authJson, null, 2)}\n`, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  }
  updateRegistry((registry) => {
    for (const { name } of accounts) if (!registry.accounts.includes(name)) registry.accounts.push(name);
    registry.default_account ??= accounts[0]?.name ?? null;
  }, dir);
}

/** The main Codex config of a sandbox: every URL Codex calls on its own points at the fake backend. */
export function writeSandboxCodexConfig(backend: FakeBackend, mainCodexHome: string): void {
  ensurePrivateDir(mainCodexHome);
  fs.writeFileSync(path.join(mainCodexHome, "config.toml"), offlineCodexSettings(backend));
}
