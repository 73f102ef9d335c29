import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  expectedOutcome,
  layOutCase,
  RESOLUTION_ACCOUNTS,
  RESOLUTION_CASES,
  type ResolutionCase,
} from "../helpers/account-resolution.js";
import {
  describeInEveryShell,
  parseReport,
  type RealShell,
  runShell,
  setDefault,
  shellWorld,
  sourceInit,
} from "./world.js";

/** Runs codex and then the prompt hook in one shell, in the case's directory. */
const SCRIPT: Record<RealShell, string> = {
  bash: `${sourceInit("bash")}; cd "$CWD"; s=0; codex || s=$?; echo "STATUS=$s"; __cao_prompt_update; echo "PROMPT=$CAO_PROMPT"`,
  zsh: `${sourceInit("zsh")}; cd "$CWD"; s=0; codex || s=$?; echo "STATUS=$s"; __cao_prompt_update; echo "PROMPT=$CAO_PROMPT"`,
  fish: `${sourceInit("fish")}; cd "$CWD"; codex; echo "STATUS=$status"; __cao_prompt_update; echo "PROMPT=$CAO_PROMPT"`,
};

/** What the wrapper did, in the table's terms: the account whose home codex got, "invalid" or "none". */
function outcome(report: Record<string, string>, data: string): string {
  if (report.STATUS === "2") return "invalid";
  if (report.STATUS === "1") return "none";
  const home = report.CODEX_HOME ?? "";
  return path.dirname(home) === data ? path.basename(home) : `unexpected CODEX_HOME ${home}`;
}

describeInEveryShell(
  "account resolution (test/fixtures/account-resolution.json)",
  RESOLUTION_CASES,
  async (shell, init, testCase) => {
    const world = caseWorld(testCase);
    const cwd = layOutCase(world.root, testCase);
    const env = { ...world.env, INIT: init, CWD: cwd, ...testCase.env };
    const result = await runShell(shell, SCRIPT[shell], env);
    assert.equal(result.code, 0, result.stderr);
    const report = parseReport(result.stdout).values;
    const expected = expectedOutcome(testCase);
    assert.equal(outcome(report, world.data), expected, `${result.stdout}\n${result.stderr}`);
    // The prompt shows the account codex would use, nothing when it would not run.
    const prompt = expected === "invalid" || expected === "none" ? "" : expected;
    assert.equal(report.PROMPT, prompt, result.stderr);
    if (expected === "invalid") assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  },
);

function caseWorld(testCase: ResolutionCase) {
  const world = shellWorld({ accounts: [...RESOLUTION_ACCOUNTS] });
  if (testCase.default !== undefined) setDefault(world, testCase.default);
  // Every home exists, so only the name decides between an account and exit 2.
  for (const name of RESOLUTION_ACCOUNTS) assert.ok(fs.existsSync(path.join(world.data, name)));
  return world;
}
