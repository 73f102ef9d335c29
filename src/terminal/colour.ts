import fs from "node:fs";

/**
 * Colour is for people at a terminal: never when the stream is a pipe or a
 * file, never with NO_COLOR (https://no-color.org) or TERM=dumb, always with
 * FORCE_COLOR (other than 0). Decided once per stream, by fstat alone: a
 * character device that is not a TTY (/dev/null) gets none either.
 */
export function colourWanted(fd: 1 | 2, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  if (env.NO_COLOR || env.TERM === "dumb") return false;
  try {
    return fs.fstatSync(fd).isCharacterDevice() && isTty(fd);
  } catch {
    return false;
  }
}

// The process stream (2-4 ms to create, with node:tty under it) is asked only
// for a character device, the interactive case; pipes and files, the scripted
// case, are answered by fstat alone.
function isTty(fd: 1 | 2): boolean {
  return (fd === 1 ? process.stdout : process.stderr).isTTY === true;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;

export type Style = keyof typeof CODES;

/** A painter for one stream: `paint("red", text)` is `text` unchanged when colour is off. */
export function painter(
  fd: 1 | 2,
  env: NodeJS.ProcessEnv = process.env,
): (style: Style, text: string) => string {
  if (!colourWanted(fd, env)) return (_style, text) => text;
  return (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`;
}
