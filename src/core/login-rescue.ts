import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import type { AuthFile } from "./auth-file.js";

/**
 * Rescue copies of rotated logins the data dir's disk refused (ENOSPC, EIO,
 * EACCES). Once the server rotated a refresh token, the old one in auth.json
 * is dead; until the disk takes the new one, the gateway's memory would be
 * the only copy, lost to `gateway stop`, a crash or kill -9. So the gateway
 * also writes it to another file system (a RAM-backed one first: a full data
 * disk is the usual cause) and restores it into auth.json at its next start.
 *
 * Where: `$CAO_RESCUE_DIR` when set (documented; tests), else
 * `$XDG_RUNTIME_DIR/cao`, `/dev/shm/cao-UID`, `$TMPDIR/cao-UID`. A directory
 * is used only if it is a real directory (not a symlink) owned by this user
 * with no access for others, so another local user cannot plant one to read
 * or swap the tokens. Files are 0600, named by a hash of the data dir and the
 * account, so several data dirs never mix.
 */

export interface LoginRescue {
  account: string;
  file: string;
  savedAtMs: number;
  auth: AuthFile;
}

interface RescueFileContent {
  dataDir: string;
  account: string;
  savedAt: string;
  auth: AuthFile;
}

export function rescueDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.CAO_RESCUE_DIR) return [env.CAO_RESCUE_DIR];
  const uid = process.getuid?.() ?? 0;
  const candidates = [`/dev/shm/cao-${uid}`, path.join(os.tmpdir(), `cao-${uid}`)];
  if (env.XDG_RUNTIME_DIR) candidates.unshift(path.join(env.XDG_RUNTIME_DIR, "cao"));
  return candidates;
}

/** The directory if it is (or could be made) ours alone; undefined otherwise. */
function privateDir(dir: string, create: boolean): string | undefined {
  try {
    if (create) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    const uid = process.getuid?.();
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) {
      return undefined;
    }
    return dir;
  } catch {
    return undefined;
  }
}

const dataDirKey = (dataDir: string): string =>
  crypto.createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 16);

const fileName = (dataDir: string, account: string) => `${dataDirKey(dataDir)}-${account}.json`;

/** Writes the rescue copy; returns its path, or undefined when no candidate took it. */
export function writeLoginRescue(
  dataDir: string,
  account: string,
  auth: AuthFile,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const content: RescueFileContent = {
    dataDir: path.resolve(dataDir),
    account,
    savedAt: new Date().toISOString(),
    auth,
  };
  for (const candidate of rescueDirCandidates(env)) {
    const dir = privateDir(candidate, true);
    if (!dir) continue;
    const file = path.join(dir, fileName(dataDir, account));
    try {
      writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
      return file;
    } catch {
      // That file system is full or read-only too: try the next.
    }
  }
  return undefined;
}

/** Every rescue copy of this data dir's logins (unreadable ones are left where they are). */
export function readLoginRescues(dataDir: string, env: NodeJS.ProcessEnv = process.env): LoginRescue[] {
  const prefix = `${dataDirKey(dataDir)}-`;
  const found: LoginRescue[] = [];
  for (const candidate of rescueDirCandidates(env)) {
    const dir = privateDir(candidate, false);
    if (!dir) continue;
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith(".json")) continue;
      const file = path.join(dir, name);
      try {
        const content = JSON.parse(fs.readFileSync(file, "utf8")) as RescueFileContent;
        if (content.dataDir !== path.resolve(dataDir) || typeof content.account !== "string") continue;
        const savedAtMs = Date.parse(content.savedAt);
        if (!Number.isFinite(savedAtMs) || typeof content.auth !== "object" || !content.auth) continue;
        found.push({ account: content.account, file, savedAtMs, auth: content.auth });
      } catch {
        // Torn or foreign: kept, never trusted.
      }
    }
  }
  return found;
}

export function removeLoginRescue(file: string): void {
  fs.rmSync(file, { force: true });
}
