// Finds every test/**/*.test.ts (optionally filtered by substrings given as
// arguments) and runs them with node's test runner, TypeScript through tsx.
// Node 20's --test does not expand globs itself.
//
// Where a test goes (docs/architecture.md says the same):
//   test/unit/         one module, in this process: call src/ directly; temp files are fine,
//                      child processes, sockets and the real codex are not (checked below).
//   test/integration/  one cao feature as a user meets it, against real local parts: the built
//                      CLI as a child process, the fake backend and the gateway on loopback, a
//                      stand-in codex, or the real codex for one narrow step (login, --version).
//   test/shell/        the same for the shell layer: the rendered scripts in real bash, zsh and
//                      fish (PowerShell parse-checked), the PATH shims in real sh and dash.
//   test/e2e/          a user's whole flow: the real codex through cao (wrapper, cao run or the
//                      gateway) to the fake backend, or the packed package installed and run.
//   test/bench/        speed and memory targets: benchmarks, never timed tests.
// One test checks one behaviour; its name says which, so a failure names what broke.
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
// A test runs the real Codex when it uses codexBin or a helper that starts it (the TUI and run worlds).
const CODEX_FACING = /\bcodexBin\b|helpers\/(real-codex|gateway-codex)\.js|\/(run|tui)-world\.js/;

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
// The unit rule, checked rather than trusted: a unit test that starts a process or listens is an
// integration test in the wrong folder.
const UNIT_FORBIDDEN = /node:child_process|\b(runCao|runProcess|caoBin|codexBin|startFakeBackend)\b/;
const misplaced = collect(path.join(root, "unit")).filter((file) =>
  UNIT_FORBIDDEN.test(fs.readFileSync(file, "utf8")),
);
if (misplaced.length > 0) {
  console.error(
    `these unit tests start processes or servers; move them to test/integration: ${misplaced.join(", ")}`,
  );
  process.exit(1);
}
const concurrency = process.env.CAO_TEST_CONCURRENCY ?? "3";
// A hung test fails after this long instead of eating CI's time budget; a
// busy machine gets the same head room as the tests' own deadlines.
const baseTimeoutMs = Number(process.env.CAO_TEST_TIMEOUT_MS ?? "240000");
const factor = timeFactorFor();
const timeoutMs = Math.round(baseTimeoutMs * factor);
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
  { stdio: "inherit", env: { ...process.env, CAO_TEST_TIMEOUT_REPORT: `${baseTimeoutMs} ${factor}` } },
);
process.exit(result.status ?? 1);
