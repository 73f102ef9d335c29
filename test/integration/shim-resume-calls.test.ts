import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { caoBin } from "../helpers/cli.js";
import {
  caseWords,
  layOutResumeSessions,
  RESUME_CALL_CASES,
  receivedWords,
} from "../helpers/resume-calls.js";
import { tempWorld } from "../helpers/temp.js";
import { writeTestShim } from "../shell/world.js";

/**
 * The PATH shim's copy of the resume rule (test/fixtures/resume-calls.json), in the shells /bin/sh
 * is on the systems cao supports: a call with a word `resume` goes through the real
 * `cao internal resume`, any other reaches codex with no cao process in between.
 */
const SHELLS = ["sh", "dash"];

function shimWorld() {
  const world = tempWorld();
  for (const name of ["work", "other"]) fs.mkdirSync(path.join(world.dataDir, name), { recursive: true });
  fs.writeFileSync(
    path.join(world.dataDir, "registry.json"),
    JSON.stringify({ default_account: "work", accounts: ["work", "other"] }),
  );
  fs.mkdirSync(path.join(world.dataDir, ".state"), { recursive: true });
  fs.writeFileSync(path.join(world.dataDir, ".state/default"), "work\n");
  const { shim, realBin } = writeTestShim(world.root, world.dataDir, [caoBin]);
  const places = { here: path.join(world.root, "here"), elsewhere: path.join(world.root, "elsewhere") };
  layOutResumeSessions(path.join(world.dataDir, "work", "sessions"), places);
  const argsFile = path.join(world.root, "args");
  const env = {
    ...world.env,
    PATH: [path.dirname(shim), realBin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
    FAKE_CODEX_ARGS_FILE: argsFile,
  };
  return { ...world, shim, env, places, argsFile };
}

for (const shell of SHELLS) {
  describe(`${shell}: the PATH shim's resume calls (test/fixtures/resume-calls.json)`, () => {
    for (const testCase of RESUME_CALL_CASES) {
      test(testCase.name, () => {
        const world = shimWorld();
        // `; exit` keeps the outer shell alive, so codex's parent is either it or cao.
        const result = spawnSync(
          shell,
          ["-c", '"$@"; exit $?', shell, shell, world.shim, ...caseWords(testCase.args, world.places)],
          { env: world.env, cwd: world.places.here, encoding: "utf8", timeout: 30_000 },
        );
        assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
        assert.deepEqual(
          receivedWords(world.argsFile),
          caseWords(testCase.expect ?? testCase.args, world.places),
        );
        const viaCao = /^VIA_CAO=(.*)$/m.exec(result.stdout)?.[1];
        assert.equal(
          viaCao,
          testCase.mentionsResume ? "yes" : "no",
          "a cao process between the wrapper and codex",
        );
      });
    }
  });
}
