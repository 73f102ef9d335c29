import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fishQuote, shQuote } from "../../src/core/quoting.js";

test("POSIX and fish quoting give back the value in the real shells", () => {
  const value = `it's a "test" $HOME \\ \`x\` *`;
  const sh = spawnSync("sh", ["-c", `printf %s ${shQuote(value)}`], { encoding: "utf8" });
  assert.equal(sh.stdout, value);
  const fish = spawnSync("fish", ["--no-config", "-c", `printf %s ${fishQuote(value)}`], {
    encoding: "utf8",
  });
  assert.equal(fish.stdout, value);
});
