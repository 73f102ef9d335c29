import fs from "node:fs";
import { writeFileAtomic } from "./atomic-write.js";
import { writeBackup } from "./backup-file.js";
import { CaoError, errnoCode } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

export type JsonReadResult =
  | { kind: "missing" }
  | { kind: "ok"; value: unknown }
  | { kind: "corrupt"; reason: string; backupPath: string };

/**
 * Reads a JSON file. A file that is not valid JSON is never overwritten here:
 * a copy is kept next to it (`<file>.cao-corrupt-<stamp>`, backup-file.ts) and the caller
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
    return { kind: "corrupt", reason, backupPath: writeBackup(file, raw, "corrupt") };
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
