import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { runCao } from "../helpers/cli.js";
import { tempWorld } from "../helpers/temp.js";

/** `cao demo`, the README's first command: real codex, fake backend, the switch shown, nothing left behind. */

const demoDirs = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith("cao-demo-"));

for (const mode of ["codex", "scripted"] as const) {
  test(`cao demo (${mode}) shows both turns served across accounts and the status, then cleans up`, async () => {
    const world = tempWorld();
    const before = new Set(demoDirs());
    const result = await runCao(["demo", ...(mode === "scripted" ? ["--scripted"] : [])], {
      // A PATH without cao on it, as after `node dist/cli.js demo` in a fresh checkout.
      env: { ...world.env, PATH: [path.dirname(process.execPath), "/usr/bin", "/bin"].join(":") },
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const out = result.stdout;
    assert.match(out, mode === "codex" ? /the real codex CLI/ : /built-in scripted client \(--scripted\)/);
    assert.match(out, /turn 1: work +200 request/);
    assert.match(out, /turn 1: personal 429 usage_limit_reached/);
    assert.match(
      out,
      /turn 1: spare +200 request \(with the tool's output\) +<- same request on the next account/,
    );
    assert.match(out, /turn 2: spare +200/);
    assert.match(out, /personal +5h 100%, week 0%, cooling down until/);
    assert.match(out, /new codex sessions start on: spare/);
    assert.match(out, /What happened \([\d.]+ s, one session, two turns\)/);
    assert.doesNotMatch(out, /426/, "the HTTP fallback is not shown as a failure");
    // No cao on this PATH: the closing hint says how to get it before using it.
    assert.match(out, /cao is not on your PATH yet\. From this checkout: `npm install -g \.`/);
    // Nothing of the user's was touched, and the sandbox is gone.
    assert.ok(!fs.existsSync(path.join(world.dataDir)), "the user's data dir was not created");
    assert.deepEqual(
      demoDirs().filter((name) => !before.has(name)),
      [],
    );
  });
}

test("cao demo with a codex that cannot run here falls back to the scripted client", async () => {
  const world = tempWorld();
  const broken = path.join(world.root, "codex");
  fs.writeFileSync(broken, "#!/bin/sh\necho 'this codex is broken' >&2\nexit 3\n", { mode: 0o755 });
  const result = await runCao(["demo"], { env: { ...world.env, CAO_CODEX_BIN: broken }, timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /FAILED: codex exited 3: this codex is broken/);
  assert.match(result.stdout, /running it again with the built-in scripted client/);
  assert.match(result.stdout, /turn 1: personal 429 usage_limit_reached/);
  assert.match(result.stdout, /What happened/);
});
