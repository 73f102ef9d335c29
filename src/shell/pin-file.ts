import fs from "node:fs";
import path from "node:path";
import { validateAccountName } from "../core/account-name.js";
import { findPin, PIN_FILE } from "../core/active-account.js";
import { writeFileAtomic } from "../core/atomic-write.js";
import { CaoError, errnoCode } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { loadRegistry, requireAccount } from "../core/registry.js";

/** Writes `<dir>/.cao-account` (the name on its first line); returns a message for the user. */
export function pinDirectory(dir: string, rawName: string): { file: string; message: string } {
  const name = validateAccountName(rawName);
  requireAccount(loadRegistry(), name);
  const file = path.join(dir, PIN_FILE);
  try {
    writeFileAtomic(file, `${name}\n`, { mode: 0o644 });
  } catch (error) {
    throw new CaoError(`cannot write ${file}: ${errnoCode(error) ?? String(error)}`, ExitCode.failure);
  }
  return { file, message: `${dir} and its subdirectories now use ${name} (${file})` };
}

export function unpinDirectory(dir: string): { removed: string | null; message: string } {
  const file = path.join(dir, PIN_FILE);
  if (!fs.existsSync(file)) {
    const inherited = findPin(dir);
    const note = inherited ? `; the pin in effect here is ${inherited.file}` : "";
    return { removed: null, message: `${dir} has no ${PIN_FILE}${note}` };
  }
  fs.rmSync(file);
  return { removed: file, message: `removed ${file}` };
}

/** The nearest pin, as `NAME FILE`, or a note that there is none. */
export function showPin(dir: string): string {
  const pin = findPin(dir);
  return pin ? `${pin.name} ${pin.file}` : `no ${PIN_FILE} here or in a parent directory`;
}
