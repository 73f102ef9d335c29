import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { resolveActiveAccount } from "../../src/core/active-account.js";
import { CaoError } from "../../src/core/errors.js";
import { ExitCode } from "../../src/core/exit-codes.js";
import { layOutCase, RESOLUTION_ACCOUNTS, RESOLUTION_CASES } from "../helpers/account-resolution.js";
import { tempDir } from "../helpers/temp.js";

for (const testCase of RESOLUTION_CASES) {
  test(`the TypeScript resolver: ${testCase.name}`, () => {
    const root = tempDir();
    const cwd = layOutCase(root, testCase);
    const registry = { default_account: testCase.default ?? null, accounts: [...RESOLUTION_ACCOUNTS] };
    const saved = process.env.CAO_ACCOUNT;
    if (testCase.env?.CAO_ACCOUNT === undefined) delete process.env.CAO_ACCOUNT;
    else process.env.CAO_ACCOUNT = testCase.env.CAO_ACCOUNT;
    try {
      const expect = testCase.expect;
      if ("invalid" in expect) {
        assert.throws(
          () => resolveActiveAccount({ cwd, registry }),
          (error) => error instanceof CaoError && error.exitCode === ExitCode.usage,
        );
        return;
      }
      const active = resolveActiveAccount({ cwd, registry });
      if ("none" in expect) {
        assert.equal(active, undefined);
        return;
      }
      const pinFile = expect.pin === undefined ? undefined : path.join(root, expect.pin, ".cao-account");
      assert.deepEqual(active, {
        name: expect.account,
        source: expect.source,
        ...(pinFile ? { pinFile } : {}),
      });
    } finally {
      if (saved === undefined) delete process.env.CAO_ACCOUNT;
      else process.env.CAO_ACCOUNT = saved;
    }
  });
}
