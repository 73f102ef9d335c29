import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { parseCodexVersion, TESTED_CODEX, versionVerdict } from "../../src/core/codex-versions.js";
import { repoRoot } from "../helpers/cli.js";

test("the tested range is the two Codex devDependencies the suite runs", () => {
  const { devDependencies } = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  assert.equal(devDependencies["@openai/codex"], TESTED_CODEX.newest, "newest = @openai/codex");
  assert.equal(
    devDependencies["codex-oldest"],
    `npm:@openai/codex@${TESTED_CODEX.oldest}`,
    "oldest = codex-oldest",
  );
  // The installed binaries are the pinned ones (a stale node_modules would test something else).
  for (const [dir, version] of <Array<[string, string]>>[
    ["@openai/codex", TESTED_CODEX.newest],
    ["codex-oldest", TESTED_CODEX.oldest],
  ]) {
    const installed = JSON.parse(
      fs.readFileSync(path.join(repoRoot, "node_modules", dir, "package.json"), "utf8"),
    );
    assert.equal(installed.version, version, `node_modules/${dir}`);
  }
});

test("versions are placed against the range: older is too old, newer untested, prereleases by their x.y.z", () => {
  const cases: Array<[string, ReturnType<typeof versionVerdict> | null]> = [
    ["codex-cli 0.169.0", "tested"],
    ["codex-cli 0.170.3", "tested"],
    ["codex-cli 0.171.0", "tested"],
    ["codex-cli 0.171.1", "untested"],
    ["codex-cli 0.172.0-alpha.2", "untested"],
    ["codex-cli 1.0.0", "untested"],
    ["codex-cli 0.168.9", "too-old"],
    ["codex-cli 0.99.0", "too-old"],
    ["codex-cli dev", null],
  ];
  for (const [text, expected] of cases) {
    const version = parseCodexVersion(text);
    assert.equal(version ? versionVerdict(version) : null, expected, text);
  }
});
