import fs from "node:fs";
import path from "node:path";
import { accountDir, mainCodexHome } from "../core/paths.js";

/**
 * The account's CODEX_HOME, set up and with its config in sync. Setting up
 * loads a TOML parser (~20 ms on a start-up-critical path), so a home that is
 * already set up and whose config is no older than the main Codex config (the
 * shell wrapper's own staleness test) is used as it is.
 */
export async function readyAccountHome(name: string): Promise<string> {
  const home = accountDir(name);
  if (isSetUp(home)) return home;
  const { ensureAccountHome } = await import("../core/codex-home.js");
  return ensureAccountHome(name).home;
}

function isSetUp(home: string): boolean {
  try {
    fs.lstatSync(path.join(home, "sessions"));
    const own = fs.statSync(path.join(home, "config.toml")).mtimeMs;
    return own >= mtimeOrZero(path.join(mainCodexHome(), "config.toml"));
  } catch {
    return false;
  }
}

const mtimeOrZero = (file: string): number => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
