import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fakeCodexConfigToml, prepareFakeCodexHome } from "../../src/demo/fake-backend/codex-home.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexPathDir } from "../helpers/real-codex.js";
import { REAL_SHELLS, runShell, shellWorld, sourceInit, writeInit } from "./world.js";

let backend: FakeBackend;
before(async () => {
  backend = await startFakeBackend({
    accounts: [
      { accountId: "acc-alpha", email: "alpha@example.com" },
      { accountId: "acc-beta", email: "beta@example.com" },
    ],
  });
});
after(() => backend.close());

/** Two accounts signed in on the fake backend, and the real codex under test as `codex` on PATH. */
function realCodexWorld() {
  const world = shellWorld({ accounts: ["alpha", "beta"], defaultAccount: "alpha" });
  fs.rmSync(path.join(world.bin, "codex"));
  const { CODEX_REFRESH_TOKEN_URL_OVERRIDE } = prepareFakeCodexHome(
    backend,
    path.join(world.data, "alpha"),
    "acc-alpha",
  );
  prepareFakeCodexHome(backend, path.join(world.data, "beta"), "acc-beta");
  fs.writeFileSync(path.join(world.codexHome, "config.toml"), fakeCodexConfigToml(backend));
  const env = {
    ...world.env,
    PATH: `${codexPathDir()}:${world.env.PATH}`,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE,
    // Must never reach codex (with forced_login_method it would delete auth.json).
    CODEX_API_KEY: "sk-not-for-codex",
  };
  return { world, env };
}

for (const shell of REAL_SHELLS) {
  test(`${shell}: the real codex reports the account's ChatGPT login (codex login status)`, async () => {
    const { world, env } = realCodexWorld();
    const init = await writeInit(world, shell);
    // Control: the same codex without the wrapper runs in ~/.codex, which has no login.
    const plain =
      shell === "fish"
        ? "command codex login status; or echo plain:$status"
        : "command codex login status || echo plain:$?";
    const result = await runShell(shell, `${sourceInit(shell)}; codex login status; ${plain}`, {
      ...env,
      INIT: init,
    });
    assert.equal(result.code, 0, result.stderr);
    const output = `${result.stdout}${result.stderr}`;
    assert.match(output, /Logged in using ChatGPT/);
    assert.match(output, /Not logged in/);
    assert.match(result.stdout, /plain:1/);
    assert.ok(fs.existsSync(path.join(world.data, "alpha", "auth.json")), "the account's login is intact");
  });
}

test("bash: each codex call reaches the backend as the account the shell chose", async () => {
  const { world, env } = realCodexWorld();
  const init = await writeInit(world, "bash");
  const exec = "codex exec --skip-git-repo-check 'say hi'";
  const script = `. "$INIT"; ${exec}; cao use --shell beta; ${exec}`;
  const seen = backend.requests.length;
  const result = await runShell("bash", script, { ...env, INIT: init }, world.home);
  assert.equal(result.code, 0, result.stderr);
  const accounts = backend.requests
    .slice(seen)
    .filter((r) => r.path.endsWith("/responses"))
    .map((r) => r.accountId);
  assert.ok(accounts.includes("acc-alpha") && accounts.includes("acc-beta"), accounts.join(","));
  assert.ok(accounts.indexOf("acc-alpha") < accounts.lastIndexOf("acc-beta"), accounts.join(", "));
});
