import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { fishQuote, shQuote } from "../../src/core/quoting.js";
import { repoRoot } from "../helpers/cli.js";
import {
  caseWords,
  layOutResumeSessions,
  RESUME_CALL_CASES,
  receivedWords,
} from "../helpers/resume-calls.js";
import {
  describeInEveryShell,
  type RealShell,
  runShell,
  setDefault,
  shellWorld,
  sourceInit,
} from "./world.js";

/**
 * The codex function's copy of the resume rule (test/fixtures/resume-calls.json), in real bash, zsh
 * and fish: a call with a word `resume` goes through `cao internal resume`, which hands codex the
 * pool's session; any other call reaches codex with no cao process in between.
 */
const quoteFor = (shell: RealShell) => (shell === "fish" ? fishQuote : shQuote);

describeInEveryShell(
  "resume calls (test/fixtures/resume-calls.json)",
  RESUME_CALL_CASES,
  async (shell, init, testCase) => {
    const world = shellWorld({ accounts: ["work", "other"] });
    setDefault(world, "work");
    const places = { here: path.join(world.root, "here"), elsewhere: path.join(world.root, "elsewhere") };
    layOutResumeSessions(path.join(world.data, "work", "sessions"), places);
    const argsFile = path.join(world.root, "args");
    const words = caseWords(testCase.args, places).map(quoteFor(shell)).join(" ");
    const script = `${sourceInit(shell)}; cd "$CWD"; codex ${words}`;
    const env = { ...world.env, INIT: init, CWD: places.here, FAKE_CODEX_ARGS_FILE: argsFile };
    const result = await runShell(shell, script, env);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.deepEqual(receivedWords(argsFile), caseWords(testCase.expect ?? testCase.args, places));
    const viaCao = /^VIA_CAO=(.*)$/m.exec(result.stdout)?.[1];
    assert.equal(
      viaCao,
      testCase.mentionsResume ? "yes" : "no",
      "a cao process between the wrapper and codex",
    );
  },
);

/**
 * PowerShell cannot run here (no pwsh): its two copies (the codex function and the shim) are
 * parse-checked elsewhere; here their test is read from the source and applied to the table.
 */
describe("PowerShell copies of the resume test (not run: no pwsh here)", () => {
  for (const file of ["shells/cao.ps1", "templates/codex-shim.ps1"]) {
    test(`${file}: a case-sensitive -ccontains of the word the table names`, () => {
      const source = fs.readFileSync(path.join(repoRoot, file), "utf8");
      const tests = [...source.matchAll(/\$args -ccontains '([^']*)'/g)].map((m) => m[1] ?? "");
      assert.equal(tests.length, 1, `one resume test in ${file}`);
      // -ccontains: some argument equals the word exactly, as mentionsResume.
      for (const testCase of RESUME_CALL_CASES) {
        assert.equal(testCase.args.includes(tests[0] ?? ""), testCase.mentionsResume, testCase.name);
      }
    });
  }
});

describeInEveryShell(
  "a resume through cao keeps codex's exit status",
  [{ name: "codex resume --last exits with codex's status" }],
  async (shell, init) => {
    const world = shellWorld({ accounts: ["work"] });
    setDefault(world, "work");
    const places = { here: path.join(world.root, "here"), elsewhere: path.join(world.root, "elsewhere") };
    layOutResumeSessions(path.join(world.data, "work", "sessions"), places);
    const status = shell === "fish" ? "$status" : "$?";
    const script = `${sourceInit(shell)}; cd "$CWD"; codex resume --last; echo "STATUS=${status}"`;
    const env = {
      ...world.env,
      INIT: init,
      CWD: places.here,
      FAKE_CODEX_EXIT: "7",
      FAKE_CODEX_ARGS_FILE: path.join(world.root, "args"),
    };
    const result = await runShell(shell, shell === "fish" ? script : `set +e; ${script}`, env);
    assert.match(result.stdout, /^VIA_CAO=yes$/m, result.stderr);
    assert.match(result.stdout, /^STATUS=7$/m, `${result.stdout}\n${result.stderr}`);
  },
);
