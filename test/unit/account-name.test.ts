import assert from "node:assert/strict";
import { test } from "node:test";
import { accountNameProblem, validateAccountName } from "../../src/core/account-name.js";

test("accepts ordinary names and emails", () => {
  for (const name of ["work", "personal-2", "alice@example.com", "a.b_c+d", "X".repeat(64)]) {
    assert.equal(accountNameProblem(name), undefined, name);
  }
});

test("refuses names that could escape the data dir or be mistaken for flags", () => {
  const bad: Array<[string, RegExp]> = [
    ["", /empty/],
    ["../x", /path separator/],
    ["a/b", /path separator/],
    ["a\\b", /path separator/],
    ["..", /"\.\."/],
    ["a..b", /"\.\."/],
    ["-rf", /dash/],
    [".hidden", /letters, digits/],
    ["with space", /letters, digits/],
    ["tab\tname", /letters, digits/],
    ["x".repeat(65), /longer than 64/],
  ];
  for (const [name, reason] of bad) {
    assert.match(accountNameProblem(name) ?? "", reason, JSON.stringify(name));
    assert.throws(
      () => validateAccountName(name),
      (error: Error & { exitCode?: number }) => error.exitCode === 2,
    );
  }
});
