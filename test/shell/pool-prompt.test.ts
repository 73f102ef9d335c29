import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { POOL_PROMPT_CASES, writePoolCase } from "../helpers/pool-prompt.js";
import { REAL_SHELLS, runShell, shellWorld, sourceInit, writeInit } from "./world.js";

/**
 * The shells' side of test/fixtures/pool-prompt.json (TypeScript's: test/unit/pool-prompt.test.ts):
 * every case in its own data dir, all of them through one real shell's prompt hook.
 */
for (const shell of REAL_SHELLS) {
  test(`${shell}: $CAO_PROMPT_POOL follows the pool-prompt table`, async () => {
    const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
    const init = await writeInit(world, shell, ["--prompt-hook"]);
    const now = Date.now();
    const env: NodeJS.ProcessEnv = { ...world.env, INIT: init };
    const steps = POOL_PROMPT_CASES.map((testCase, i) => {
      const dir = path.join(world.root, `pool-${i}`);
      fs.mkdirSync(dir, { recursive: true });
      writePoolCase(dir, testCase, now);
      env[`D${i}`] = dir;
      const use = shell === "fish" ? `set -gx CAO_HOME $D${i}` : `CAO_HOME=$D${i}`;
      return `${use}; __cao_prompt_update; echo "[$CAO_PROMPT_POOL]"`;
    });
    const result = await runShell(shell, `${sourceInit(shell)}; ${steps.join("; ")}`, env);
    assert.equal(result.code, 0, result.stderr);
    const expected = POOL_PROMPT_CASES.map(
      (c) => `[${shell === "fish" ? (c.withoutClock ?? c.expect) : c.expect}]`,
    );
    const got = result.stdout.trimEnd().split("\n");
    assert.deepEqual(
      got.map((line, i) => `${POOL_PROMPT_CASES[i]?.name}: ${line}`),
      expected.map((line, i) => `${POOL_PROMPT_CASES[i]?.name}: ${line}`),
    );
  });
}
