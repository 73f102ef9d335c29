import fs from "node:fs";
import { errnoCode } from "../core/errors.js";

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes a command's output straight to fd 1. Creating `process.stdout` (a
 * stream over the pipe or terminal) costs 2-3 ms, and `cao status`,
 * `cao init` and `--version` are on the start-up budget. A full non-blocking
 * pipe (EAGAIN) is waited out; a reader that went away (EPIPE,
 * `cao status | head -1`) ends the output quietly.
 */
export function writeStdout(text: string): void {
  let rest = Buffer.from(text.endsWith("\n") ? text : `${text}\n`);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(fs.writeSync(1, rest));
    } catch (error) {
      const code = errnoCode(error);
      if (code === "EPIPE") return;
      if (code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/**
 * Whether a file descriptor is a terminal, without creating a process stream.
 * node:tty (with the net and stream modules under it) costs 2-4 ms to load, so
 * it is asked only when the fd is a character device: pipes and files, the
 * scripted case, are answered by fstat alone.
 */
export async function isTerminal(fd: number): Promise<boolean> {
  if (!fs.fstatSync(fd).isCharacterDevice()) return false;
  const { isatty } = await import("node:tty");
  return isatty(fd);
}

export const stdoutIsTerminal = (): Promise<boolean> => isTerminal(1);

/** A command's own output (what a user pipes or parses) goes to stdout, written directly to fd 1. */
export function printOut(text: string): void {
  writeStdout(text);
}

export function printJson(value: unknown): void {
  writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}
