import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { request } from "undici";
import { writeFileAtomic } from "../../src/core/atomic-write.js";
import { authPath, settingsPath } from "../../src/core/paths.js";
import { eventually, gatewayWorld, type NamedAccount } from "../helpers/gateway.js";
import { tempDir } from "../helpers/temp.js";

/**
 * Desktop notifications from the real gateway through a stand-in `notify-send`
 * on PATH that appends its arguments to a file: each event notifies once.
 */
const bin = tempDir("cao-notify-bin-");
const sent = path.join(bin, "sent.log");
fs.writeFileSync(
  path.join(bin, "notify-send"),
  `#!/bin/sh\nprintf '%s|' "$@" >> '${sent}'\necho >> '${sent}'\n`,
  { mode: 0o755 },
);
process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
const notifications = () =>
  fs.existsSync(sent) ? fs.readFileSync(sent, "utf8").trim().split("\n").filter(Boolean) : [];

const settings = "[notify]\nenabled = true\nheadroom-below = 50\nmin-interval-minutes = 30\n";

test("low pool headroom, an account back while the other is out, a dead login: one notification each", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "nt-one", email: "one@example.com", usedPercent: 30, percentPerRequest: 0 },
    { name: "two", accountId: "nt-two", email: "two@example.com", usedPercent: 40, percentPerRequest: 0 },
  ];
  const w = await gatewayWorld(accounts, {
    beforeStart: (dir) => fs.writeFileSync(settingsPath(dir), settings),
  });
  const { notifier } = w.gateway.context;
  await w.gateway.context.usage.checkAll();
  notifier.observe();
  assert.deepEqual(notifications(), [], "65% headroom: nothing to say");

  // one's use jumps: 20 + 60 of 200 points left = 40%, below 50%.
  w.backend.setAccount("nt-one", { usedPercent: 80 });
  assert.equal((await w.post("one", { session: "a" })).status, 200);
  await eventually(() => notifications().length === 1);
  assert.match(
    notifications()[0]!,
    /^--app-name=cao\|cao: the pool is running low\|Pool headroom is 40% \(below 50%\)\.\|$/,
  );
  // Still low after more answers: the same event, not notified again.
  assert.equal((await w.post("one", { session: "a" })).status, 200);
  notifier.observe();
  assert.equal(notifications().length, 1, notifications().join("\n"));

  // Both run out; one's window resets in 2 s while two stays out: "one is back", once.
  w.backend.setAccount("nt-one", { quota: 0, resetsInSeconds: 2 });
  w.backend.setAccount("nt-two", { quota: 0, resetsInSeconds: 3600 });
  assert.equal((await w.post("one", { session: "b" })).status, 429);
  await eventually(() => notifications().some((n) => n.includes("cao: one is back")));
  notifier.observe();
  assert.equal(notifications().filter((n) => n.includes("is back")).length, 1);
  assert.match(
    notifications().find((n) => n.includes("is back"))!,
    /one's quota reset while every other account was out/,
  );

  // A dead login (its refresh token spent elsewhere): tell the user what to run, once.
  const near = w.backend.mintAuth("nt-two", { accessTtlSeconds: 60 });
  const spent = await request(w.backend.refreshUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "refresh_token", refresh_token: near.refreshToken }),
  });
  await spent.body.dump();
  writeFileAtomic(authPath("two", w.dir), JSON.stringify(near.authJson), { mode: 0o600 });
  await w.gateway.context.tokens.maintain();
  await w.gateway.context.tokens.maintain();
  await eventually(() => notifications().some((n) => n.includes("two needs a new login")));
  assert.match(notifications().find((n) => n.includes("needs a new login"))!, /Run: cao add two --relogin/);
  assert.equal(notifications().filter((n) => n.includes("needs a new login")).length, 1);
});
