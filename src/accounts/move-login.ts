import fs from "node:fs";
import { writeFileAtomic } from "../core/atomic-write.js";
import type { AuthFile } from "../core/auth-file.js";
import { backupStamp, writeBackup } from "../core/backup-file.js";
import { ensureAccountHome } from "../core/codex-home.js";
import { authPath, dataDir } from "../core/paths.js";
import { updateRegistry } from "../core/registry.js";
import { refreshPoolLine } from "../core/status-update.js";

/** Suffix of a source auth file after its login moved into cao. */
export const MOVED_SUFFIX = ".moved-to-cao";

/**
 * Writes a login into an account (created and registered if new). A replaced
 * auth.json is kept as `auth.json.cao-backup-STAMP` (0600, the newest only). Returns that backup.
 */
export function writeAccountLogin(name: string, auth: AuthFile, dir = dataDir()): { backup?: string } {
  ensureAccountHome(name, dir);
  const file = authPath(name, dir);
  let backup: string | undefined;
  if (fs.existsSync(file)) backup = writeBackup(file, fs.readFileSync(file), "backup");
  writeFileAtomic(file, `${JSON.stringify(auth, null, 2)}\n`, { mode: 0o600 });
  updateRegistry((registry) => {
    if (!registry.accounts.includes(name)) registry.accounts.push(name);
    registry.default_account ??= name;
  }, dir);
  refreshPoolLine(dir); // a new login is new room in the pool
  return backup ? { backup } : {};
}

/**
 * Takes a source auth file out of service once cao owns its login: the file
 * is renamed to `FILE.moved-to-cao` with the refresh and access tokens
 * removed, so nothing can refresh (and thereby kill) the login from there. The
 * id token stays, so a person can still see whose login it was.
 */
export function retireSource(file: string, movedTo: string): string {
  return retireFile(file, movedTo, (raw) => {
    const auth = raw as AuthFile;
    const tokens = { ...(auth.tokens ?? {}) };
    delete tokens.refresh_token;
    delete tokens.access_token;
    return { ...auth, tokens };
  });
}

/**
 * The same for any JSON file holding one login: `strip` removes its tokens,
 * the result goes to `FILE.moved-to-cao` (0600) and the original is removed.
 */
export function retireFile(
  file: string,
  movedTo: string,
  strip: (raw: Record<string, unknown>) => Record<string, unknown>,
): string {
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const retired = { ...strip(raw), cao_moved_to: movedTo, cao_moved_at: new Date().toISOString() };
  let target = `${file}${MOVED_SUFFIX}`;
  if (fs.existsSync(target)) target = `${target}-${backupStamp()}`;
  const text = `${JSON.stringify(retired, null, 2)}\n`;
  // Renaming first needs no disk space, so a full disk cannot leave a second
  // live copy of the login behind (two refreshers would revoke it).
  fs.renameSync(file, target);
  try {
    writeFileAtomic(target, text, { mode: 0o600 });
  } catch {
    // No room for a temp file: drop the tokens in place (truncating frees the space it needs).
    fs.truncateSync(target, 0);
    fs.writeFileSync(target, text, { mode: 0o600 });
  }
  return target;
}
