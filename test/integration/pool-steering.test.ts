import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { settingsPath } from "../../src/core/paths.js";
import { updateSetting } from "../../src/core/settings.js";
import { eventually, gatewayWorld, modelTrail, type NamedAccount } from "../helpers/gateway.js";

/** Pauses, reserves and priorities (cao.toml) through the real gateway against the fake backend. */

const accounts: NamedAccount[] = [
  // Most headroom of all, but paused.
  { name: "paused", accountId: "ps-paused", email: "p@example.com", usedPercent: 0, percentPerRequest: 0 },
  // Keeps 20% of its weekly window and is at 85%: held back.
  {
    name: "reserved",
    accountId: "ps-reserved",
    email: "r@example.com",
    usedPercent: 0,
    secondaryUsedPercent: 85,
    percentPerRequest: 0,
  },
  // Spent last (priority -1) although it has more headroom than `main`.
  { name: "spare", accountId: "ps-spare", email: "s@example.com", usedPercent: 5, percentPerRequest: 0 },
  { name: "main", accountId: "ps-main", email: "m@example.com", usedPercent: 50, percentPerRequest: 0 },
];

test("a paused or reserved account is never picked under concurrent sessions; pausing moves sessions at their next turn", async () => {
  const w = await gatewayWorld(accounts, {
    beforeStart: (dir) =>
      fs.writeFileSync(
        settingsPath(dir),
        [
          "[accounts.paused]",
          "paused = true",
          "[accounts.reserved]",
          "reserve-weekly = 20",
          "[accounts.spare]",
          "priority = -1",
          "",
        ].join("\n"),
      ),
  });
  await w.gateway.context.usage.checkAll();
  const sessions = Array.from({ length: 24 }, (_, i) => `c${i}`);
  const first = await Promise.all(sessions.map((session) => w.post("main", { session })));
  assert.deepEqual(
    first.map((a) => a.status),
    sessions.map(() => 200),
  );
  const trail = modelTrail(w, accounts);
  assert.deepEqual([...new Set(trail)], ["main:200"], `every session on main: ${trail.join(" ")}`);

  // Pause main while the sessions live: their next turn moves to spare (the only one left).
  updateSetting("accounts.main.paused", true, w.dir);
  await eventually(() => {
    w.gateway.context.router.pick(undefined);
    return w.logs.some((line) => line.includes("settings reloaded"));
  });
  const before = modelTrail(w, accounts).length;
  const second = await Promise.all(sessions.map((session) => w.post("main", { session })));
  assert.deepEqual(
    second.map((a) => a.status),
    sessions.map(() => 200),
  );
  const after = modelTrail(w, accounts).slice(before);
  assert.deepEqual([...new Set(after)], ["spare:200"], `every session moved to spare: ${after.join(" ")}`);
  assert.ok(
    w.logs.some((line) => /moved from main.*paused/.test(line)),
    `the log says why:\n${w.logs.join("\n")}`,
  );

  // Nothing left: the client gets a usage limit, the reserved account still untouched.
  updateSetting("accounts.spare.paused", true, w.dir);
  await eventually(() => {
    w.gateway.context.router.pick(undefined);
    return w.logs.filter((line) => line.includes("settings reloaded")).length >= 2;
  });
  const none = await w.post("main", { session: "c0" });
  assert.equal(none.status, 429, none.text);
  const all = modelTrail(w, accounts);
  assert.ok(!all.some((entry) => /^(paused|reserved):/.test(entry)), all.join(" "));
});
