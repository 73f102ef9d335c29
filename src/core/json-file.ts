import fs from "node:fs";
import { writeFileAtomic } from "./atomic-write.js";
import { CaoError, errnoCode } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

export type JsonReadResult =
  | { kind: "missing" }
  | { kind: "ok"; value: unknown }
  | { kind: "corrupt"; reason: string; backupPath: string };

/**
 * Reads a JSON file. A file that is not valid JSON is never overwritten here:
 * a copy is kept next to it (`<file>.corrupt-<timestamp>`) and the caller
 * decides whether to refuse (exit 3) or degrade.
 */
export function readJsonFile(file: string): JsonReadResult {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { kind: "missing" };
    throw new CaoError(`cannot read ${file}: ${errnoCode(error) ?? String(error)}`, ExitCode.data);
  }
  try {
    return { kind: "ok", value: JSON.parse(raw) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: "corrupt", reason, backupPath: backupCorruptFile(file, raw) };
  }
}

/** Keeps one copy per distinct corrupt content, so repeated reads don't pile up backups. */
function backupCorruptFile(file: string, raw: string): string {
  const existing = findExistingBackup(file, raw);
  if (existing) return existing;
  const backupPath = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  writeFileAtomic(backupPath, raw, { mode: 0o600 });
  return backupPath;
}

function findExistingBackup(file: string, raw: string): string | undefined {
  const dir = file.slice(0, file.lastIndexOf("/") + 1) || ".";
  const prefix = `${file.slice(dir.length)}.corrupt-`;
  for (const name of safeReaddir(dir)) {
    if (!name.startsWith(prefix)) continue;
    const candidate = dir + name;
    try {
      if (fs.readFileSync(candidate, "utf8") === raw) return candidate;
    } catch {
      // Unreadable backup: ignore, a new one will be written.
    }
  }
  return undefined;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export function corruptFileError(file: string, result: { reason: string; backupPath: string }): CaoError {
  return new CaoError(
    `${file} is not valid JSON (${result.reason}); it was left untouched and copied to ${result.backupPath}`,
    ExitCode.data,
    `fix the file by hand, or move it away to start fresh`,
  );
}

export function writeJsonFile(file: string, value: unknown, mode = 0o600, durable = true): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, { mode, durable });
}
