import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.js";

/**
 * cao's one backup scheme, for every file it replaces or finds corrupt:
 *
 *   FILE.cao-backup-STAMP    the version before cao changed FILE (rc files, Codex's
 *                            config.toml, an account's auth.json); only the newest
 *                            KEPT_BACKUPS of each file are kept, so repeated runs
 *                            never pile them up
 *   FILE.cao-corrupt-STAMP   a copy of FILE as cao found it unreadable; one per
 *                            distinct content, never pruned (`cao status --doctor`
 *                            lists them until a person has looked)
 *
 * STAMP is the UTC time as `YYYYMMDDTHHMMSSmmmZ`, so names sort by age. Backups
 * are written atomically with mode 0600: they may hold tokens.
 */
export type BackupKind = "backup" | "corrupt";

/** Newest versions kept of one file (the one before cao's latest change). */
export const KEPT_BACKUPS = 1;

const STAMP = /^\d{8}T\d{9}Z(-\d+)?$/;

const marker = (kind: BackupKind) => `.cao-${kind}-`;

export function backupStamp(now = new Date()): string {
  return now.toISOString().replace(/[-:.]/g, "");
}

/** Whether a directory entry is a cao backup or corrupt copy (of any file). */
export function isBackupName(name: string, kind: BackupKind): boolean {
  const at = name.lastIndexOf(marker(kind));
  return at > 0 && STAMP.test(name.slice(at + marker(kind).length));
}

/**
 * Backup names older versions of cao wrote (`FILE.cao-backup-<epoch ms>`, `FILE.cao-backup-<ISO with
 * dashes>`, `auth.json.bak-<ISO with dashes>`): pruned with the others, and older than any of them.
 */
const LEGACY_BACKUP =
  /^(\.cao-backup-(\d{13}|\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)|\.bak-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)$/;

/** The existing backups of FILE of this kind, newest first (a backup's list includes the legacy names, last). */
export function listBackups(file: string, kind: BackupKind): string[] {
  const base = path.basename(file);
  const prefix = `${base}${marker(kind)}`;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return [];
  }
  const current = names.filter((name) => name.startsWith(prefix) && STAMP.test(name.slice(prefix.length)));
  const legacy =
    kind === "backup"
      ? names.filter((name) => name.startsWith(base) && LEGACY_BACKUP.test(name.slice(base.length)))
      : [];
  return [...current.sort().reverse(), ...legacy.sort().reverse()].map((name) =>
    path.join(path.dirname(file), name),
  );
}

/**
 * Writes CONTENT as a new backup of FILE and returns its path. A "backup"
 * prunes the file's older backups down to KEPT_BACKUPS; a "corrupt" copy is
 * not made again when one with the same content exists (that one is returned).
 */
export function writeBackup(file: string, content: string | Uint8Array, kind: BackupKind): string {
  const existing = listBackups(file, kind);
  if (kind === "corrupt") {
    const same = existing.find((copy) => sameContent(copy, content));
    if (same) return same;
  }
  const base = `${file}${marker(kind)}${backupStamp()}`;
  let target = base;
  // Two backups in one millisecond (a script re-running cao) get -1, -2...
  for (let n = 1; fs.existsSync(target); n++) target = `${base}-${n}`;
  writeFileAtomic(target, content, { mode: 0o600 });
  if (kind === "backup") {
    for (const old of existing.slice(KEPT_BACKUPS - 1)) fs.rmSync(old, { force: true });
  }
  return target;
}

function sameContent(file: string, content: string | Uint8Array): boolean {
  try {
    return Buffer.from(content).equals(fs.readFileSync(file));
  } catch {
    return false;
  }
}
