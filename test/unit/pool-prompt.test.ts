import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { writeAccountLogin } from "../../src/accounts/move-login.js";
import type { AuthFile } from "../../src/core/auth-file.js";
import { authPath } from "../../src/core/paths.js";
import { updateSetting } from "../../src/core/settings.js";
import { updateAccountStatus } from "../../src/core/status-update.js";
import { poolPromptSegment } from "../../src/shell/prompt-segment.js";
import { authJson } from "../helpers/auth-fixture.js";
import { POOL_PROMPT_CASES, writePoolCase } from "../helpers/pool-prompt.js";
import { tempDir } from "../helpers/temp.js";

for (const testCase of POOL_PROMPT_CASES) {
  test(`cao prompt --pool: ${testCase.name}`, () => {
    const dir = tempDir();
    const now = Date.now();
    writePoolCase(dir, testCase, now);
    assert.equal(poolPromptSegment(now, dir), testCase.expect);
  });
}

const HOUR = 3600_000;
const poolLine = (dir: string) => fs.readFileSync(path.join(dir, ".state", "pool"), "utf8");

test(".state/pool follows every status update, `cao config` and a new login: the headroom `cao status` shows, stale at the first reset", () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, "registry.json"),
    JSON.stringify({ default_account: "a", accounts: ["a", "b"] }),
  );
  for (const name of ["a", "b"]) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    const login = { email: `${name}@example.com`, accountId: `acct-${name}`, refreshToken: `r-${name}` };
    fs.writeFileSync(authPath(name, dir), JSON.stringify(authJson(login)));
  }
  const now = Date.now();
  const aReset = now + HOUR;
  const bReset = now + 72 * HOUR;
  updateSetting("accounts.b.reserve-weekly", 20, dir);
  updateAccountStatus(
    "a",
    (s) => ({ ...s, rateLimits: { observedAtMs: now, primary: { usedPercent: 40, resetsAtMs: aReset } } }),
    dir,
  );
  updateAccountStatus(
    "b",
    (s) => ({ ...s, rateLimits: { observedAtMs: now, secondary: { usedPercent: 50, resetsAtMs: bReset } } }),
    dir,
  );
  // 5-hour room 60 + 100, weekly 100 + (80 - 50) of a capacity of min(200, 180): 130 / 180.
  assert.equal(poolLine(dir), `72 ${Math.ceil(aReset / 1000)}\n`);

  updateSetting("accounts.a.paused", true, dir);
  // b alone: 5-hour 100, weekly 30 of min(100, 80); a's reset no longer matters.
  assert.equal(poolLine(dir), `38 ${Math.ceil(bReset / 1000)}\n`);
  assert.equal(poolPromptSegment(now, dir), "pool 38%");

  updateAccountStatus("b", (s) => ({ ...s, authProblem: "refresh_token_reused" }), dir);
  assert.equal(poolLine(dir), `0 ${Math.ceil(bReset / 1000)}\n`, "no usable account: nothing to spend");

  // A login moved in (an import): a whole new account of room. Its home links into a main Codex
  // home of this test's own, never the user's ~/.codex.
  const previous = process.env.CAO_MAIN_CODEX_HOME;
  process.env.CAO_MAIN_CODEX_HOME = path.join(tempDir(), ".codex");
  try {
    const login = { email: "c@example.com", accountId: "acct-c", refreshToken: "r-c" };
    writeAccountLogin("c", authJson(login) as unknown as AuthFile, dir);
  } finally {
    if (previous === undefined) delete process.env.CAO_MAIN_CODEX_HOME;
    else process.env.CAO_MAIN_CODEX_HOME = previous;
  }
  assert.equal(poolLine(dir), `100 ${Math.ceil(bReset / 1000)}\n`);
});
