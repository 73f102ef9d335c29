import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { isCaoShim } from "../core/codex-binary.js";
import { CaoError } from "../core/errors.js";
import { psQuote, shQuote } from "../core/quoting.js";
import { renderTemplate } from "../core/template.js";
import { caoCommandArgs } from "./cao-command.js";

export type ShimPlatform = "posix" | "windows";

interface ShimFile {
  name: string;
  template: string;
  mode: number;
}

/** POSIX: one `codex` script. Windows: `codex.cmd` (for cmd.exe) handing over to `codex.ps1`. */
const SHIM_FILES: Record<ShimPlatform, ShimFile[]> = {
  posix: [{ name: "codex", template: "codex-shim.sh", mode: 0o755 }],
  windows: [
    { name: "codex.cmd", template: "codex-shim.cmd", mode: 0o644 },
    { name: "codex.ps1", template: "codex-shim.ps1", mode: 0o644 },
  ],
};

export const hostShimPlatform = (): ShimPlatform => (process.platform === "win32" ? "windows" : "posix");

export const defaultShimsDir = (): string => path.join(os.homedir(), ".local", "bin");

export interface ShimContext {
  dir: string;
  dataDir: string;
  platform: ShimPlatform;
  /** The cao command the shim runs to autostart the gateway; default: this Node and CLI. */
  caoCommand?: string[];
}

/** The shim files' contents for one shims dir, keyed by file name. */
export function renderShims(context: ShimContext): Map<string, string> {
  const command = context.caoCommand ?? caoCommandArgs();
  const quote = context.platform === "windows" ? psQuote : shQuote;
  const values = {
    CAO_DATA_DIR: quote(context.dataDir),
    CAO_SHIM_DIR: quote(context.dir),
    CAO_COMMAND: command.map(quote).join(" "),
  };
  const out = new Map<string, string>();
  for (const file of SHIM_FILES[context.platform]) out.set(file.name, renderTemplate(file.template, values));
  return out;
}

/**
 * Writes the shims. A `codex` in the dir that is not a cao shim (a real codex
 * installed there) is never overwritten.
 */
export function installShims(context: ShimContext): string[] {
  fs.mkdirSync(context.dir, { recursive: true });
  const files = SHIM_FILES[context.platform];
  for (const file of files) {
    const target = path.join(context.dir, file.name);
    if (fs.existsSync(target) && !isCaoShim(target)) {
      throw new CaoError(
        `${target} exists and is not a cao shim; left it as it is`,
        undefined,
        "pick another directory with --shims-dir",
      );
    }
  }
  const rendered = renderShims(context);
  return files.map((file) => {
    const target = path.join(context.dir, file.name);
    writeFileAtomic(target, rendered.get(file.name) ?? "", { mode: file.mode });
    return target;
  });
}

/** Removes this dir's cao shims; files without the marker are someone else's and stay. */
export function removeShims(dir: string): { removed: string[]; kept: string[] } {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const file of [...SHIM_FILES.posix, ...SHIM_FILES.windows]) {
    const target = path.join(dir, file.name);
    if (!fs.existsSync(target)) continue;
    if (isCaoShim(target)) {
      fs.rmSync(target);
      removed.push(target);
    } else {
      kept.push(target);
    }
  }
  return { removed, kept };
}

/**
 * Why the shim would not be the `codex` a shell runs, or undefined when it is:
 * its dir is missing from PATH, or another `codex` comes first.
 */
export function shimPathProblem(dir: string, envPath = process.env.PATH ?? ""): string | undefined {
  const entries = envPath.split(path.delimiter).map((entry) => path.resolve(entry || "."));
  const shimIndex = entries.indexOf(path.resolve(dir));
  if (shimIndex === -1) {
    return `${dir} is not on PATH; add it first, e.g. in ~/.profile: export PATH="${dir}:$PATH"`;
  }
  const earlier = entries
    .slice(0, shimIndex)
    .map((entry) => path.join(entry, "codex"))
    .find((file) => fs.existsSync(file) && !isCaoShim(file));
  if (earlier) {
    return `${earlier} comes before ${dir} on PATH, so the shim is not used; put ${dir} first`;
  }
  return undefined;
}
