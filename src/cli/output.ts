import { writeStdout } from "./stdout.js";

/** A command's own output (what a user pipes or parses) goes to stdout, written directly to fd 1. */
export function printOut(text: string): void {
  writeStdout(text);
}

export function printJson(value: unknown): void {
  writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}
