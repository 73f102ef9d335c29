import fs from "node:fs";
import path from "node:path";
import which from "which";
import { CaoError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

/** Every cao shim carries this line, so discovery can skip shims (no recursion). */
export const SHIM_MARKER = "cao-codex-shim";

export function isCaoShim(file: string): boolean {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const head = Buffer.alloc(512);
      const n = fs.readSync(fd, head, 0, head.length, 0);
      return head.subarray(0, n).toString("latin1").includes(SHIM_MARKER);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * The real codex: `--codex PATH`, then `$CAO_CODEX_BIN`, then the first
 * `codex` on PATH that is not a cao shim.
 */
export function findRealCodex(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env.CAO_CODEX_BIN;
  if (chosen) {
    const resolved = chosen.includes("/") ? path.resolve(chosen) : which.sync(chosen, { nothrow: true });
    if (!resolved || !isExecutable(resolved)) {
      throw new CaoError(
        `codex binary ${JSON.stringify(chosen)} is not an executable file`,
        ExitCode.codexMissing,
      );
    }
    return resolved;
  }
  const candidates = which.sync("codex", { all: true, nothrow: true, path: env.PATH ?? "" }) ?? [];
  const real = candidates.find((candidate) => !isCaoShim(candidate));
  if (!real) {
    throw new CaoError(
      "the codex CLI was not found on PATH",
      ExitCode.codexMissing,
      "install it with `npm install -g @openai/codex`, or point CAO_CODEX_BIN at it",
    );
  }
  return real;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
