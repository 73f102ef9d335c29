import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readAuthFile } from "../../core/auth-file.js";
import type { SourceOutcome } from "../import-codex-auth.js";
import type { ForeignLogin } from "../import-foreign.js";
import { retireSource } from "../move-login.js";

/** A login kept as a plain Codex auth.json copy: found, and retired like the codex-auth snapshots. */
export function authJsonLogin(file: string, label: string): ForeignLogin | SourceOutcome {
  const read = readAuthFile(file);
  if (read.kind !== "ok") {
    return {
      source: file,
      account: null,
      action: "skipped",
      message: `skipped: ${read.kind === "missing" ? "no auth.json" : `auth.json is ${read.reason}`}; left as is`,
    };
  }
  return {
    source: file,
    label,
    auth: read.auth,
    retire: (movedTo) => `source moved to ${retireSource(file, movedTo)} without its tokens`,
  };
}

export const isLogin = (value: ForeignLogin | SourceOutcome): value is ForeignLogin => "retire" in value;

export const home = (...parts: string[]) => path.join(os.homedir(), ...parts);

export function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}
