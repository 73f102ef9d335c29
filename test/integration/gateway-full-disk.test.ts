import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { authPath } from "../../src/core/paths.js";
import { runCao } from "../helpers/cli.js";
import { gatewayWorld } from "../helpers/gateway.js";
import { fillDisk, mountTinyDisk } from "../helpers/tiny-disk.js";

/**
 * Issue 10 item 1: the server rotates the refresh token, the disk refuses the
 * new one. The rotated tokens must live on in memory, the superseded refresh
 * token must never be sent (the fake OAuth server revokes the login on reuse),
 * status and doctor must say the login is only in memory, and the tokens must
 * reach auth.json once the disk has room.
 */
test("refresh on a full disk: 0 reuse, the login stays alive and is saved once the disk is freed", async (t) => {
  let skip: { reason: string } | undefined;
  const w = await gatewayWorld([{ name: "one", accountId: "fd-one", email: "one@example.com" }], {
    prepareDataDir: (dir) => {
      skip = mountTinyDisk(dir);
    },
  });
  if (skip) {
    t.skip(skip.reason);
    return;
  }
  const file = authPath("one", w.dir);
  const firstRefreshToken = JSON.parse(fs.readFileSync(file, "utf8")).tokens.refresh_token;
  const startToken = w.token("one");
  const filler = fillDisk(w.dir);

  // Three refreshes while the disk is full (each forced by an upstream 401, as an expired token gets).
  for (let round = 1; round <= 3; round++) {
    w.backend.injectFault({ kind: "status", status: 401, accountId: "fd-one" });
    const answer = await w.post("one");
    assert.equal(answer.status, 200, `round ${round}: ${answer.text}`);
    assert.equal(w.backend.refreshCount.get("fd-one"), round, `round ${round}: refreshes`);
    assert.deepEqual(w.backend.reuseDetected, [], `round ${round}: a superseded refresh token was sent`);
  }
  assert.equal(
    JSON.parse(fs.readFileSync(file, "utf8")).tokens.refresh_token,
    firstRefreshToken,
    "the disk really refused the writes",
  );
  assert.equal(w.gateway.context.tokens.unsavedLogins().length, 1);
  assert.ok(
    w.logs.some((line) => line.includes("WARNING: the login of one now lives only in the gateway's memory")),
    w.logs.join("\n"),
  );

  // `cao status` and the doctor say so loudly (they ask the gateway; the files on disk are stale).
  const env = { ...w.world.env };
  const status = await runCao(["status", "--json"], { env });
  const account = JSON.parse(status.stdout).accounts[0];
  assert.equal(account.loginState, "memory-only", status.stdout + status.stderr);
  assert.match(account.loginProblem, /ENOSPC/);
  const text = await runCao(["status", "--compact"], { env });
  assert.match(text.stdout, /WARNING: the login of one lives only in the gateway's memory/, text.stdout);
  const doctor = await runCao(["status", "--doctor", "--json"], { env });
  assert.equal(doctor.code, 2, doctor.stdout + doctor.stderr);
  assert.ok(
    JSON.parse(doctor.stdout).issues.some((i: { code: string }) => i.code === "login-memory-only"),
    doctor.stdout,
  );

  // The caller's old token still works (a running codex keeps the one it read at start).
  assert.equal((await w.post("one", { headers: { authorization: `Bearer ${startToken}` } })).status, 200);

  // Free the disk: the next maintenance round saves the tokens.
  fs.rmSync(filler);
  await w.gateway.context.tokens.maintain();
  assert.deepEqual(w.gateway.context.tokens.unsavedLogins(), []);
  assert.ok(
    w.logs.some((line) => /the login of one is saved to disk again/.test(line)),
    w.logs.join("\n"),
  );
  const saved = JSON.parse(fs.readFileSync(file, "utf8"));
  assert.notEqual(saved.tokens.refresh_token, firstRefreshToken);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);

  // The login is alive: another refresh succeeds from the saved file, still without reuse.
  w.backend.injectFault({ kind: "status", status: 401, accountId: "fd-one" });
  assert.equal((await w.post("one")).status, 200);
  assert.equal(w.backend.refreshCount.get("fd-one"), 4);
  assert.deepEqual(w.backend.reuseDetected, []);
  const after = await runCao(["status", "--json"], { env });
  assert.equal(JSON.parse(after.stdout).accounts[0].loginState, "logged-in", after.stdout);
  assert.deepEqual(
    fs.readdirSync(`${w.dir}/one`).filter((name) => name.endsWith(".tmp")),
    [],
    "no temp files left behind",
  );
});
