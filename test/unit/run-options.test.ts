import assert from "node:assert/strict";
import { test } from "node:test";
import { CaoError } from "../../src/core/errors.js";
import { parseRunOptions } from "../../src/run/options.js";

const usage = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(
    fn,
    (error: unknown) => error instanceof CaoError && error.exitCode === 2 && pattern.test(error.message),
  );

test("defaults: fallback on, 2 passes, no delay, resume (not restart); codex args kept as given", () => {
  const args = ["--help", "-m", "x", "--account", "y"];
  assert.deepEqual(parseRunOptions({ fallback: true }, args), {
    fallback: true,
    maxPasses: 2,
    retryDelayMs: 0,
    gateway: false,
    restart: false,
    codexArgs: args,
  });
});

test("flags are read and converted", () => {
  const options = parseRunOptions(
    { account: "work", fallback: false, "max-passes": "3", "retry-delay": "1.5", codex: "/bin/codex" },
    [],
  );
  assert.equal(options.account, "work");
  assert.equal(options.fallback, false);
  assert.equal(options.maxPasses, 3);
  assert.equal(options.retryDelayMs, 1500);
  assert.equal(options.codexPath, "/bin/codex");
  assert.equal(parseRunOptions({ "retry-delay": "0" }, []).retryDelayMs, 0);
  assert.equal(parseRunOptions({ "retry-delay": ".5" }, []).retryDelayMs, 500);
});

test("bad values are usage errors (exit 2)", () => {
  for (const bad of ["0", "-1", "1.5", "abc", "", "1e3", " ", "99999999999999999999"]) {
    usage(() => parseRunOptions({ "max-passes": bad }, []), /--max-passes must be a whole number/);
  }
  for (const bad of ["-1", "abc", "", "1e3", "Infinity", "0x10", "1..2"]) {
    usage(() => parseRunOptions({ "retry-delay": bad }, []), /--retry-delay must be a number of seconds/);
  }
  usage(() => parseRunOptions({ account: "../x" }, []), /invalid account name/);
  usage(() => parseRunOptions({ codex: "" }, []), /--codex needs a value/);
  usage(() => parseRunOptions({ _: ["exec"] }, []), /unexpected argument "exec"/);
});

test("--gateway refuses the fallback flags it would ignore", () => {
  assert.equal(parseRunOptions({ gateway: true, fallback: true }, []).gateway, true);
  usage(
    () => parseRunOptions({ gateway: true, account: "a", fallback: false, "max-passes": "3" }, []),
    /--gateway cannot be combined with --account, --no-fallback, --max-passes/,
  );
});
