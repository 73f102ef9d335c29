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

test("refuses names that collide with cao's own files, Windows device names and trailing dots", () => {
  for (const name of [
    "account_status.json",
    "registry.json",
    "gateway.json",
    "gateway.pid",
    "gateway.log",
    "gateway.log.1",
    "Gateway.Log",
    "work.json",
    "cao-next",
    "CON",
    "nul.txt",
    "com1",
    "LPT9.tar",
    "trailing.",
  ]) {
    assert.ok(accountNameProblem(name), `${name} was accepted`);
    assert.throws(() => validateAccountName(name), /invalid account name/);
    assert.equal(accountNameProblem(name, { allowReserved: true }), undefined, `${name} stays removable`);
  }
  for (const name of ["gateway", "console", "com10", "alice@example.com", "logs", "work.2"]) {
    assert.equal(accountNameProblem(name), undefined, name);
  }
});
