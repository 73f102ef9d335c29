import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./cli.js";

/** One case of test/fixtures/pool-prompt.json (its "about" says what the fields mean). */
export interface PoolPromptCase {
  name: string;
  line: string | null;
  noNewline?: boolean;
  expect: string;
  withoutClock?: string;
}

export const POOL_PROMPT_CASES: readonly PoolPromptCase[] = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, "test/fixtures/pool-prompt.json"), "utf8")) as {
    cases: PoolPromptCase[];
  }
).cases;

/** Writes (or removes) `<data dir>/.state/pool` as the case says, times counted from `nowMs`. */
export function writePoolCase(dataDir: string, testCase: PoolPromptCase, nowMs = Date.now()): void {
  const file = path.join(dataDir, ".state", "pool");
  fs.rmSync(file, { force: true });
  if (testCase.line === null) return;
  const seconds = Math.floor(nowMs / 1000);
  const line = testCase.line
    .replace("FUTURE", String(seconds + 3600))
    .replace("PAST", String(seconds - 3600));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, testCase.noNewline ? line : `${line}\n`);
}
