import fs from "node:fs";
import path from "node:path";
import type { StatusMap } from "../../src/core/account-status.js";
import { fakeCodexConfigToml } from "../../src/demo/fake-backend/codex-home.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexBin, type RunOptions, type RunResult, runCao } from "../helpers/cli.js";
import { detachedStartArgs } from "../helpers/gateway.js";
import { tempWorld } from "../helpers/temp.js";

/**
 * An isolated cao data dir whose accounts are signed in to the fake backend,
 * with the user's main Codex config pointing Codex at it (cao merges that
 * config into every account's config.toml, as it would a real user's).
 */
export interface RunWorld {
  dataDir: string;
  codexHome: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  cao(args: string[], options?: RunOptions): Promise<RunResult>;
  statuses(): StatusMap;
  setStatuses(statuses: StatusMap): void;
}

export function runWorld(
  backend: FakeBackend,
  accounts: Array<{ name: string; accountId: string }>,
  defaultAccount: string | null = accounts[0]?.name ?? null,
): RunWorld {
  const world = tempWorld();
  fs.mkdirSync(world.codexHome, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(world.codexHome, "config.toml"), fakeCodexConfigToml(backend));
  fs.mkdirSync(world.dataDir, { recursive: true, mode: 0o700 });
  const registry = { default_account: defaultAccount, accounts: accounts.map((a) => a.name) };
  fs.writeFileSync(path.join(world.dataDir, "registry.json"), JSON.stringify(registry));
  for (const { name, accountId } of accounts) {
    const home = path.join(world.dataDir, name);
    fs.mkdirSync(home, { mode: 0o700 });
    const { authJson } = backend.mintAuth(accountId);
    fs.writeFileSync(path.join(home, "auth.json"), JSON.stringify(authJson), { mode: 0o600 });
  }
  const cwd = path.join(world.root, "project");
  fs.mkdirSync(cwd);
  const env: NodeJS.ProcessEnv = {
    ...world.env,
    CAO_CODEX_BIN: codexBin,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl,
  };
  const statusFile = path.join(world.dataDir, "account_status.json");
  return {
    dataDir: world.dataDir,
    codexHome: world.codexHome,
    cwd,
    env,
    cao: (args, options = {}) => runCao(args, { env, cwd, timeoutMs: 90_000, ...options }),
    statuses: () =>
      fs.existsSync(statusFile)
        ? (JSON.parse(fs.readFileSync(statusFile, "utf8")).statuses as StatusMap)
        : {},
    setStatuses: (statuses) => fs.writeFileSync(statusFile, JSON.stringify({ statuses })),
  };
}

/** Model requests (`POST /v1/responses`) the backend answered, as `accountId status` lines. */
export function modelCalls(backend: FakeBackend, sinceMs = 0): string[] {
  return backend.requests
    .filter((r) => r.method === "POST" && r.path.endsWith("/responses") && r.atMs >= sinceMs)
    .map((r) => `${r.accountId} ${r.status}`);
}

/** `cao gateway start --detach` on a free port in front of the fake backend (stop it with `cao gateway stop`). */
export async function startDetachedGateway(world: RunWorld, backend: FakeBackend): Promise<void> {
  const start = await world.cao(detachedStartArgs(backend.upstreamBaseUrl));
  if (start.code !== 0) throw new Error(`cao gateway start failed (${start.code}): ${start.stderr}`);
}
