import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { scaled } from "./deadline.js";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
/** The published bin (package.json `bin`): the CommonJS bundle of the hot paths in front of the ES-module CLI. */
export const caoBin = path.join(repoRoot, "dist/bin/cao.cjs");
/**
 * The real Codex CLI under test, one of the two pinned devDependencies: the
 * newest (`@openai/codex`, the default) or the oldest supported
 * (`codex-oldest`, an npm alias). `CAO_TEST_CODEX=oldest|newest` picks one per
 * run; `.ci/run` runs the Codex-facing suites once with each.
 */
const CODEX_UNDER_TEST: Record<string, string> = {
  newest: "node_modules/@openai/codex/bin/codex.js",
  oldest: "node_modules/codex-oldest/bin/codex.js",
};
const codexChoice = process.env.CAO_TEST_CODEX || "newest";
const codexEntry = CODEX_UNDER_TEST[codexChoice];
if (!codexEntry)
  throw new Error(`CAO_TEST_CODEX must be oldest or newest, not ${JSON.stringify(codexChoice)}`);
export const codexBin = path.join(repoRoot, codexEntry);
/** Its version ("0.171.0"), read from the package it came in. */
export const codexVersion: string = JSON.parse(
  fs.readFileSync(path.join(repoRoot, path.dirname(path.dirname(codexEntry)), "package.json"), "utf8"),
).version;

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
      timeout: scaled(options.timeoutMs ?? 60_000),
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
    // A child that exits before reading its stdin (most do) makes this write fail with EPIPE when the
    // machine is slow enough for the exit to come first: that is not the test's failure.
    child.stdin?.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") reject(error);
    });
    child.stdin?.end(options.input ?? "");
  });
}

/** Runs the built cao CLI (the published bin) as a real process. */
export function runCao(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, [caoBin, ...args], options);
}
