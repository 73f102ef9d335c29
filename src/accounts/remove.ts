import fs from "node:fs";
import { reservedNameProblem, validateAccountName } from "../core/account-name.js";
import { accountDir, dataDir } from "../core/paths.js";
import { loadRegistry, requireAccount } from "../core/registry.js";
import { deleteAccountStatus } from "../core/status-update.js";
import { unregisterAccount } from "./registration.js";

export interface RemoveResult {
  name: string;
  /** The account home, when it was deleted. */
  deletedHome?: string;
  /** The account home, when --keep-files left it in place. */
  keptHome?: string;
  newDefault: string | null;
}

/** Checks the name is a registered account (before any question is asked). */
export function requireRegistered(name: string, dir = dataDir()): string {
  // A reserved name already in the registry (made before cao refused them) must stay removable.
  return requireAccount(loadRegistry(dir), validateAccountName(name, { allowReserved: true }));
}

/**
 * Forgets an account: registry entry, status entry, usage state file and (unless
 * keepFiles) its home with the tokens. Never runs `codex logout`: that revokes
 * the refresh token server-side, which would also kill any copy the user kept.
 */
export function removeAccount(name: string, keepFiles: boolean, dir = dataDir()): RemoveResult {
  requireRegistered(name, dir);
  const newDefault = unregisterAccount(name, dir);
  deleteAccountStatus(name, dir);
  const home = accountDir(name, dir);
  // A reserved name's path may be cao's own file (gateway.log, account_status.json): never delete it.
  if (keepFiles || reservedNameProblem(name)) return { name, keptHome: home, newDefault };
  // Symlinks into the main Codex home are unlinked, never followed.
  fs.rmSync(home, { recursive: true, force: true });
  return { name, deletedHome: home, newDefault };
}
