import fs from "node:fs";
import { errnoCode } from "../core/errors.js";

/** Longer lines are cut (a caller controls URLs and headers that end up in lines). */
export const MAX_LINE_CHARS = 1000;
/** gateway.log is rotated to gateway.log.1 past this size, at start and while running. */
export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;

/** The rotation size: `$CAO_GATEWAY_LOG_MAX_BYTES` (documented, for tests and small disks) or 10 MB. */
export function maxLogBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.CAO_GATEWAY_LOG_MAX_BYTES);
  return Number.isInteger(n) && n >= 1024 ? n : DEFAULT_MAX_LOG_BYTES;
}

/** One log line as written: a timestamp, no control characters (no forged lines), at most MAX_LINE_CHARS. */
export function formatLogLine(line: string, now = new Date()): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  let text = line.replace(/[\u0000-\u001f\u007f]/g, "?");
  if (text.length > MAX_LINE_CHARS) text = `${text.slice(0, MAX_LINE_CHARS)}... (${text.length} chars)`;
  return `${now.toISOString()} ${text}\n`;
}

/**
 * Opens the log for appending, 0600, never through a symlink: one planted at
 * gateway.log is moved aside (kept, it is not ours to delete) and a fresh
 * file is made.
 */
export function openLogForAppend(file: string): number {
  const flags =
    fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;
  try {
    return fs.openSync(file, flags, 0o600);
  } catch (error) {
    if (errnoCode(error) !== "ELOOP") throw error;
  }
  fs.renameSync(file, `${file}.symlink-${Date.now()}`);
  return fs.openSync(file, flags, 0o600);
}

/** Moves a log past `maxBytes` to `.1` (the previous `.1` goes). */
export function rotateIfLarge(file: string, maxBytes: number): void {
  try {
    if (fs.lstatSync(file).size > maxBytes) fs.renameSync(file, `${file}.1`);
  } catch {
    // No log yet.
  }
}

/**
 * The detached gateway's own log writer: counts what it writes and rotates
 * while running, so a long-lived gateway (or a flood) cannot grow the file
 * past about twice `maxBytes` in total. A failed write (full disk) is
 * dropped: the log must never stop the gateway.
 */
export class RotatingLog {
  private fd: number;
  private size: number;

  constructor(
    private readonly file: string,
    private readonly maxBytes: number,
  ) {
    this.fd = openLogForAppend(file);
    this.size = fs.fstatSync(this.fd).size;
  }

  write(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.size + bytes > this.maxBytes) this.rotate();
    try {
      fs.writeSync(this.fd, text);
      this.size += bytes;
    } catch {
      // ENOSPC, EIO: the line is lost, the gateway goes on.
    }
  }

  private rotate(): void {
    try {
      fs.renameSync(this.file, `${this.file}.1`);
      const fd = openLogForAppend(this.file);
      fs.closeSync(this.fd);
      this.fd = fd;
      this.size = 0;
    } catch {
      // Cannot rotate (full disk, permissions): keep writing where we are.
    }
  }
}
