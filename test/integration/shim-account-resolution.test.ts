import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import {
  expectedOutcome,
  layOutCase,
  RESOLUTION_ACCOUNTS,
  RESOLUTION_CASES,
  type ResolutionCase,
} from "../helpers/account-resolution.js";
import { repoRoot } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";
import { writeTestShim } from "../shell/world.js";

/** The POSIX shim runs in the shells /bin/sh is on the systems cao supports. */
const SHELLS = ["sh", "dash"];

/** A world with the table's accounts, the case's default, the shim and the fake codex on PATH. */
function shimWorld(testCase: ResolutionCase) {
  const world = tempWorld();
  for (const name of RESOLUTION_ACCOUNTS) fs.mkdirSync(path.join(world.dataDir, name), { recursive: true });
  if (testCase.default !== undefined) {
    fs.mkdirSync(path.join(world.dataDir, ".state"), { recursive: true });
    fs.writeFileSync(path.join(world.dataDir, ".state/default"), `${testCase.default}\n`);
  }
  const { shim, realBin } = writeTestShim(world.root, world.dataDir, ["false"]);
  const env = {
    ...world.env,
    PATH: [path.dirname(shim), realBin, "/usr/bin", "/bin"].join(":"),
    ...testCase.env,
  };
  return { ...world, shim, env };
}

for (const shell of SHELLS) {
  describe(`${shell}: the PATH shim's account resolution (test/fixtures/account-resolution.json)`, () => {
    for (const testCase of RESOLUTION_CASES) {
      test(testCase.name, () => {
        const world = shimWorld(testCase);
        const cwd = layOutCase(world.root, testCase);
        const result = spawnSync(shell, [world.shim], {
          env: world.env,
          cwd,
          encoding: "utf8",
          timeout: 10_000,
        });
        assert.equal(result.error, undefined);
        const home = /^CODEX_HOME=(.*)$/m.exec(result.stdout)?.[1];
        const seen =
          result.status === 2
            ? "invalid"
            : result.status === 0 && home === ""
              ? "none" // no account anywhere: plain codex, by design
              : home && path.dirname(home) === world.dataDir
                ? path.basename(home)
                : `status ${result.status}, CODEX_HOME ${home}`;
        assert.equal(seen, expectedOutcome(testCase), `${result.stdout}\n${result.stderr}`);
        if (seen === "invalid") assert.match(result.stderr, /^cao: account ".*" does not exist/);
      });
    }
  });
}

/**
 * PowerShell cannot run here (no pwsh), so its two copies of the rule are not
 * run against the table: the documented gap. What can be checked is their
 * name test, the part of the rule most likely to drift: the same regex and
 * limits, applied to every name the table gives, agree with the table.
 */
describe("PowerShell copies (not run: no pwsh here)", () => {
  const names = RESOLUTION_CASES.flatMap((c) => {
    // The deciding pin is the deepest one (every case's pins are on the way up from its cwd).
    const nearest = Object.entries(c.pins ?? {}).sort(([a], [b]) => b.length - a.length)[0]?.[1];
    const name = c.env?.CAO_ACCOUNT ?? nearest?.split(/\r?\n/, 1)[0]?.trim();
    return name === undefined || "none" in c.expect ? [] : [{ name, valid: !("invalid" in c.expect) }];
  });
  for (const file of ["shells/cao.ps1", "templates/codex-shim.ps1"]) {
    test(`${file}: its account-name test agrees with the table`, () => {
      const text = fs.readFileSync(path.join(repoRoot, file), "utf8");
      const line = text.split("\n").find((l) => l.includes("-cmatch") && l.includes("-le 64"));
      assert.ok(line, `${file} has no name test with -cmatch and -le 64`);
      const pattern = /-cmatch '([^']+)'/.exec(line)?.[1] ?? "";
      assert.match(line, /-not \$\w+\.Contains\('\.\.'\)/);
      const regex = new RegExp(pattern);
      for (const { name, valid } of names) {
        assert.equal(name.length <= 64 && regex.test(name) && !name.includes(".."), valid, name);
      }
    });
  }
});
