import { spawn } from "node:child_process";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
/** The published bin (package.json `bin`): the CommonJS bundle of the hot paths in front of the ES-module CLI. */
export const caoBin = path.join(repoRoot, "dist/bin/cao.cjs");
/** The pinned real Codex CLI from devDependencies. */
export const codexBin = path.join(repoRoot, "node_modules/.bin/codex");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string | undefined;
  input?: string;
  timeoutMs?: number;
  /** stdin from /dev/null instead of a pipe (a child that exits without reading a pipe can hit EPIPE). */
  noStdin?: boolean;
}

/** Runs a real process to completion, collecting its output. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.noStdin ? "ignore" : "pipe", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin?.end(options.input ?? "");
  });
}

/** Runs the built cao CLI (the published bin) as a real process. */
export function runCao(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, [caoBin, ...args], options);
}
