import assert from "node:assert/strict";
import { test } from "node:test";
import { daemonWithPreviousLogin } from "../../src/accounts/daemon-login.js";
import type { AuthFile } from "../../src/core/auth-file.js";
import { authJson, type FixtureLogin } from "../helpers/auth-fixture.js";
import { writeDaemonPidFile } from "../helpers/daemon-pid-file.js";
import { tempDir } from "../helpers/temp.js";

/** A home whose daemon pid file names this very process (alive: same pid and start time). */
function homeWithLiveDaemon(): string {
  const home = tempDir("cao-daemon-login-");
  writeDaemonPidFile(home, process.pid);
  return home;
}

const auth = (login: FixtureLogin) => authJson(login) as AuthFile;
const alice: FixtureLogin = { email: "alice@example.com", accountId: "acc-team", refreshToken: "rt-a1" };

test("the daemon warning: a login of another user, or none before, warns; the same user does not", () => {
  const home = homeWithLiveDaemon();
  const warns = (before: AuthFile | undefined, after: AuthFile | undefined) =>
    daemonWithPreviousLogin("work", home, before, after) !== undefined;
  const cases = {
    "no login before": warns(undefined, auth(alice)),
    "another account": warns(
      auth({ email: "bob@example.com", accountId: "acc-b", refreshToken: "rt-b" }),
      auth(alice),
    ),
    "another user of the same Team account": warns(
      auth({ email: "carol@example.com", accountId: "acc-team", refreshToken: "rt-c" }),
      auth(alice),
    ),
    "the same user, token rotated": warns(auth(alice), auth({ ...alice, refreshToken: "rt-a2" })),
  };
  assert.deepEqual(cases, {
    "no login before": true,
    "another account": true,
    "another user of the same Team account": true,
    "the same user, token rotated": false,
  });
  assert.equal(
    daemonWithPreviousLogin("work", home, undefined, auth(alice)),
    `a Codex app-server daemon (pid ${process.pid}) still runs in work's home with the previous login; Codex there fails until it is stopped: CODEX_HOME=${home} codex app-server daemon stop`,
  );
});

test("the daemon warning: no daemon running in the home, no warning", () => {
  assert.equal(
    daemonWithPreviousLogin("work", tempDir("cao-daemon-login-"), undefined, auth(alice)),
    undefined,
  );
});
