import assert from "node:assert/strict";
import { test } from "node:test";
import { notifyCommand } from "../../src/core/desktop-notify.js";
import { defaultSettings, type Settings } from "../../src/core/pool-policy.js";
import { PoolNotifier } from "../../src/gateway/notifications.js";

function world(enabled: boolean, minIntervalMinutes = 30) {
  const settings: Settings = {
    ...defaultSettings(),
    notify: { enabled, headroomBelow: 50, minIntervalMinutes },
  };
  const cooldown: Record<string, number> = { a: 0, b: 0 };
  const sent: string[] = [];
  const notifier = new PoolNotifier({
    accounts: ["a", "b"],
    settings: () => settings,
    limits: () => undefined,
    cooldownUntil: (name) => cooldown[name] ?? 0,
    problem: () => undefined,
    send: (title) => sent.push(title),
    log: () => {},
  });
  return { notifier, cooldown, sent };
}

test("off unless enabled; a kind per account is rate-limited; the dead-login event re-arms after a good refresh", () => {
  const off = world(false);
  off.notifier.deadLogin("a", "refresh_token_reused");
  assert.deepEqual(off.sent, []);

  const on = world(true);
  on.notifier.deadLogin("a", "refresh_token_reused");
  on.notifier.deadLogin("a", "refresh_token_reused");
  assert.deepEqual(on.sent, ["cao: a needs a new login"], "one per event");
  on.notifier.loginRestored("a");
  on.notifier.deadLogin("a", "refresh_token_reused");
  assert.equal(on.sent.length, 1, "a new event within the rate limit is dropped");

  const quick = world(true, 0);
  const now = Date.now();
  quick.cooldown.a = now + 1000;
  quick.cooldown.b = now + 60_000;
  quick.notifier.observe(now);
  quick.notifier.observe(now + 2000); // a back, b still out
  quick.notifier.observe(now + 3000);
  assert.deepEqual(
    quick.sent,
    ["cao: the pool is running low", "cao: a is back"],
    "both out is low headroom too",
  );
  quick.notifier.close();
});

test("the notifier command per platform, found on PATH; none: silent", () => {
  const env = { PATH: "/nonexistent" };
  assert.equal(notifyCommand("t", "b", "linux", env), undefined);
  assert.equal(notifyCommand("t", "b", "darwin", env), undefined);
  const mac = notifyCommand('say "hi"', "b", "darwin", { PATH: "/usr/bin:/bin" });
  if (mac) assert.deepEqual(mac[1], ["-e", 'display notification "b" with title "say \\"hi\\""']);
});
