import fs from "node:fs";
import path from "node:path";
import { randomHex } from "./random-id.js";

export interface AtomicWriteOptions {
  /** File mode of the new file; token files use 0o600. */
  mode?: number;
  /**
   * fsync before the rename (default true), so a power loss cannot leave an
   * empty file. Costs ~5 ms; skipped for caches whose loss is harmless.
   */
  durable?: boolean;
}

/**
 * Writes via a temp file in the same directory, fsync, then rename: readers
 * see the old or the new content, never a torn file, and a crash leaves the
 * old file intact.
 */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const mode = options.mode ?? 0o644;
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomHex(8)}.tmp`);
  const fd = fs.openSync(tmp, "wx", mode);
  try {
    fs.writeFileSync(fd, data);
    // The umask may have narrowed the mode; token files must be exactly 0600.
    fs.fchmodSync(fd, mode);
    if (options.durable ?? true) fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/** Creates a directory (and parents) and forces its mode, whatever the umask. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  if ((stat.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}
