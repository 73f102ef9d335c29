// Finds every test/**/*.test.ts (optionally filtered by substrings given as
// arguments) and runs them with node's test runner, TypeScript through tsx.
// Node 20's --test does not expand globs itself.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { timeFactorFor } from "./helpers/time-factor.mjs";

const root = path.dirname(new URL(import.meta.url).pathname);
// `--codex-facing` keeps only the files that run the real Codex (they use one
// of the helpers that start it), so `npm test` can run them a second time
// against the oldest supported version without repeating the rest.
const codexFacingOnly = process.argv.includes("--codex-facing");
const filters = process.argv.slice(2).filter((arg) => arg !== "--codex-facing");
const CODEX_FACING = /\bcodexBin\b|helpers\/(real-codex|gateway-codex)\.js|\/run-world\.js/;

function collect(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "bench" || entry.name === "fixtures" ? [] : collect(full);
    return entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

const files = collect(root)
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .filter((file) => !codexFacingOnly || CODEX_FACING.test(fs.readFileSync(file, "utf8")))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const concurrency = process.env.CAO_TEST_CONCURRENCY ?? "3";
// A hung test fails after this long instead of eating CI's time budget; a
// busy machine gets the same head room as the tests' own deadlines.
const timeoutMs = Math.round(Number(process.env.CAO_TEST_TIMEOUT_MS ?? "240000") * timeFactorFor());
const reporter = process.stdout.isTTY ? "spec" : "tap";
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    `--test-concurrency=${concurrency}`,
    `--test-timeout=${timeoutMs}`,
    `--test-reporter=${reporter}`,
    "--test-reporter-destination=stdout",
    `--test-reporter=${path.join(root, "file-times-reporter.mjs")}`,
    "--test-reporter-destination=stderr",
    ...files,
  ],
  { stdio: "inherit", env: { ...process.env, CAO_TEST_EFFECTIVE_TIMEOUT_MS: String(timeoutMs) } },
);
process.exit(result.status ?? 1);
