import fs from "node:fs";
import { validateAccountName } from "../core/account-name.js";
import { findRealCodex } from "../core/codex-binary.js";
import { ensureAccountHome } from "../core/codex-home.js";
import { usageError } from "../core/errors.js";
import { accountDir, authPath, dataDir } from "../core/paths.js";
import { loadRegistry } from "../core/registry.js";
import { refreshPoolLine } from "../core/status-update.js";
import { runLogin } from "./codex-login.js";
import { accountExists, claimAccountName, unregisterAccount } from "./registration.js";

export interface AddOptions {
  name: string;
  /** Run `codex login` in the new home (the default); false = `--no-login`. */
  login: boolean;
  deviceAuth: boolean;
  codexPath?: string | undefined;
}

export interface AddResult {
  name: string;
  home: string;
  loggedIn: boolean;
  isDefault: boolean;
}

/**
 * Creates an account: claims the name in the registry, builds its CODEX_HOME
 * and runs the real `codex login` there. Anything short of a login that left an
 * auth.json (failure, Ctrl-C, a killed cao) rolls back the home and the entry.
 */
export async function addAccount(options: AddOptions, dir = dataDir()): Promise<AddResult> {
  const name = validateAccountName(options.name);
  // Resolve codex before creating anything: a missing codex must leave no trace.
  const codex = options.login ? findRealCodex(options.codexPath) : undefined;
  const home = accountDir(name, dir);
  if (fs.existsSync(home)) {
    if (loadRegistry(dir).accounts.includes(name)) throw accountExists(name);
    throw usageError(
      `${home} already exists but is not a registered account`,
      "move it away, or bring its login in with `cao import codex --source DIR`",
    );
  }
  const isDefault = claimAccountName(name, dir);
  const rollback = () => {
    fs.rmSync(home, { recursive: true, force: true });
    unregisterAccount(name, dir);
  };
  try {
    ensureAccountHome(name, dir);
    if (codex) {
      const authFile = authPath(name, dir);
      await runLogin({ codex, home, authFile, deviceAuth: options.deviceAuth, outcome: "nothing was added" });
    }
  } catch (error) {
    rollback();
    throw error;
  }
  if (codex) refreshPoolLine(dir); // a new login is new room in the pool
  return { name, home, loggedIn: codex !== undefined, isDefault };
}
