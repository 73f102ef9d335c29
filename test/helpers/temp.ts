import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after } from "node:test";

/** A fresh directory removed when the test file finishes. */
export function tempDir(prefix = "cao-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => {
    unmountUnder(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Tests may mount a tiny disk inside a temp dir (tiny-disk.ts): it must go before the dir can. */
function unmountUnder(dir: string): void {
  let mounts: string;
  try {
    mounts = fs.readFileSync("/proc/mounts", "utf8");
  } catch {
    return;
  }
  for (const line of mounts.split("\n")) {
    const point = line.split(" ")[1];
    if (point?.startsWith(`${dir}/`)) execFileSync("umount", ["-l", point], { stdio: "pipe" });
  }
}

/**
 * An isolated world for one test: HOME (so ~/.codex is private), the cao data
 * dir and the main Codex home, all under one temp dir.
 */
export function tempWorld(): {
  root: string;
  home: string;
  dataDir: string;
  rescueDir: string;
  codexHome: string;
  env: NodeJS.ProcessEnv;
} {
  const root = tempDir();
  const home = path.join(root, "home");
  const dataDir = path.join(home, ".codex-account-orchestrator");
  const codexHome = path.join(home, ".codex");
  fs.mkdirSync(home, { recursive: true });
  // Rescue copies of logins a full disk refused (core/login-rescue.ts) stay inside the world too.
  const rescueDir = path.join(root, "rescue");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    CAO_HOME: dataDir,
    CAO_RESCUE_DIR: rescueDir,
    NO_COLOR: "1",
  };
  for (const key of [
    "CODEX_HOME",
    "CAO_ACCOUNT",
    "CAO_MAIN_CODEX_HOME",
    "CODEX_API_KEY",
    "CAO_CODEX_BIN",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
  ])
    delete env[key];
  return { root, home, dataDir, rescueDir, codexHome, env };
}

/** Every file under `dir` (following no links) that still contains `needle` (a token that must be gone). */
export function filesContaining(dir: string, needle: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((entry) => {
    if (!entry.isFile()) return [];
    const file = path.join(entry.parentPath, entry.name);
    return fs.readFileSync(file, "utf8").includes(needle) ? [file] : [];
  });
}
