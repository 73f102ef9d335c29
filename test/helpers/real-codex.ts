import fs from "node:fs";
import path from "node:path";
import { prepareFakeCodexHome } from "../../src/demo/fake-backend/codex-home.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexBin, type RunResult, runProcess } from "./cli.js";
import { tempDir } from "./temp.js";

export interface FakeCodexHome {
  home: string;
  env: NodeJS.ProcessEnv;
}

/** A temp CODEX_HOME signed in to `accountId` on the fake backend, with an env that reaches nothing else. */
export function fakeCodexHome(
  backend: FakeBackend,
  accountId: string,
  options: { accessTtlSeconds?: number } = {},
): FakeCodexHome {
  const root = tempDir("cao-codex-");
  const home = path.join(root, "codex-home");
  const codexEnv = prepareFakeCodexHome(backend, home, accountId, options);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: root, NO_COLOR: "1", ...codexEnv };
  delete env.CODEX_API_KEY;
  delete env.CODEX_SQLITE_HOME;
  return { home, env };
}

/** Runs one real `codex exec` turn in that home. */
export function codexExec(
  codex: FakeCodexHome,
  prompt: string,
  extraArgs: string[] = [],
): Promise<RunResult> {
  return runProcess(codexBin, ["exec", "--skip-git-repo-check", ...extraArgs, prompt], {
    env: codex.env,
    cwd: path.dirname(codex.home),
    timeoutMs: 60_000,
  });
}

/** Every JSON line of every session rollout file Codex wrote in that home. */
export function rolloutEvents(codex: FakeCodexHome): Array<Record<string, unknown>> {
  const dir = path.join(codex.home, "sessions");
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".jsonl"))
    .map((file) => path.join(dir, file));
  return files.flatMap((file) =>
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

/**
 * A fresh directory holding only `codex` (a link to the Codex under test), for
 * tests that find the real codex on PATH as a user's shell would.
 */
export function codexPathDir(): string {
  const dir = tempDir("cao-codex-bin-");
  fs.symlinkSync(codexBin, path.join(dir, "codex"));
  return dir;
}
