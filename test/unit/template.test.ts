import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fishQuote, psQuote, shQuote } from "../../src/core/quoting.js";
import { fillTemplate } from "../../src/core/template.js";
import { renderShims } from "../../src/gateway-setup/shims.js";

test("the template renderer fills ::CAO:: and @CAO_NAME@ tokens, and a comment line holding a token whole", () => {
  const text = "run ::CAO:: here\nhome=@CAO_DATA_DIR@\n  # ::CAO_COMMANDS:: (the table)\nend\n";
  const out = fillTemplate(text, { CAO: "'/bin/cao'", CAO_DATA_DIR: "'/d'", CAO_COMMANDS: "  a) ;;" }, "t");
  assert.equal(out, "run '/bin/cao' here\nhome='/d'\n  a) ;;\nend\n");
});

test("a value is never searched for tokens itself", () => {
  assert.equal(fillTemplate("@CAO_A@", { CAO_A: "::CAO::" }, "t"), "::CAO::");
});

test("a token without a value is an error naming the template and the token", () => {
  assert.throws(
    () => fillTemplate("x @CAO_MISSING@", {}, "codex-shim.sh"),
    /codex-shim\.sh: no value for @CAO_MISSING@/,
  );
});

test("PowerShell quoting doubles ' and the typographic quotes PowerShell also ends a string at", () => {
  assert.equal(psQuote("o'brien’s ‘x‚ ‛"), "'o''brien’’s ‘‘x‚‚ ‛‛'");
});

test("the PowerShell shim quotes its paths with that same rule", () => {
  const dir = "C:\\Users\\o’brien\\bin";
  const shims = renderShims({ dir, dataDir: "C:\\data", platform: "windows", caoCommand: ["cao"] });
  assert.match(shims.get("codex.ps1") ?? "", /\$caoShimDir = 'C:\\Users\\o’’brien\\bin'/);
});

test("POSIX and fish quoting give back the value in the real shells", () => {
  const value = `it's a "test" $HOME \\ \`x\` *`;
  const sh = spawnSync("sh", ["-c", `printf %s ${shQuote(value)}`], { encoding: "utf8" });
  assert.equal(sh.stdout, value);
  const fish = spawnSync("fish", ["--no-config", "-c", `printf %s ${fishQuote(value)}`], {
    encoding: "utf8",
  });
  assert.equal(fish.stdout, value);
});
