import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { writeBackup } from "../core/backup-file.js";
import { withoutConfigBlock } from "../core/codex-config-block.js";
import { errnoCode } from "../core/errors.js";
import { mainCodexHome } from "../core/paths.js";
import { withConfigBlock } from "./codex-config-block.js";

/** The config.toml the Codex Desktop app and IDE extensions read (no CODEX_HOME of cao's). */
export const mainCodexConfigPath = (env: NodeJS.ProcessEnv = process.env): string =>
  path.join(mainCodexHome(env), "config.toml");

export interface ConfigChange {
  file: string;
  changed: boolean;
  /** A copy of the file as it was, when it existed and changed. */
  backup?: string;
}

/** Adds (or updates) the gateway route block in the main Codex config. */
export function writeCodexConfigRoute(url: string, file = mainCodexConfigPath()): ConfigChange {
  const before = readOrEmpty(file);
  return replaceContent(
    file,
    before,
    keepBom(before ?? "", (text) => withConfigBlock(text, url, file)),
  );
}

/** Removes exactly the block `writeCodexConfigRoute` added; the user's lines stay byte for byte. */
export function removeCodexConfigRoute(file = mainCodexConfigPath()): ConfigChange {
  const before = readOrEmpty(file);
  if (before === undefined) return { file, changed: false };
  return replaceContent(
    file,
    before,
    keepBom(before, (text) => withoutConfigBlock(text, file)),
  );
}

/** Edits the text after a UTF-8 byte order mark, which stays first (where Windows editors put it). */
function keepBom(text: string, edit: (text: string) => string): string {
  if (!text.startsWith("\uFEFF")) return edit(text);
  const edited = edit(text.slice(1));
  return edited === "" ? "" : `\uFEFF${edited}`;
}

function replaceContent(file: string, before: string | undefined, after: string): ConfigChange {
  if (before === after) return { file, changed: false };
  if (before === undefined) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, after, { mode: 0o600 });
    return { file, changed: true };
  }
  const backup = writeBackup(file, fs.readFileSync(file), "backup");
  if (after === "") {
    // The file held nothing but our block (cao created it): remove it again.
    fs.rmSync(file);
  } else {
    writeFileAtomic(file, after, { mode: fs.statSync(file).mode & 0o777 });
  }
  return { file, changed: true, backup };
}

function readOrEmpty(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
}
