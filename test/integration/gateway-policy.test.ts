import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { StatusMap } from "../../src/core/account-status.js";
import {
  codexUrl,
  DEFAULT_GATEWAY_CONFIG,
  isLoopbackHost,
  resolveConfig,
  validateConfig,
} from "../../src/gateway/config.js";
import { Router } from "../../src/gateway/router.js";
import {
  parseUsageLimit,
  parseUsageReport,
  rateLimitsFromEvent,
  rateLimitsFromHeaders,
} from "../../src/gateway/signals.js";
import { createSseTap } from "../../src/gateway/sse-tap.js";
import { StatusWriter } from "../../src/gateway/status-writer.js";
import { configToArgs } from "../../src/gateway-process/detach.js";
import { tempDir } from "../helpers/temp.js";

/** The gateway's pure parts: settings, quota signals, the SSE tap, the routing policy. */

test("settings: flags are validated, loopback is required unless --allow-remote, --detach passes them all", () => {
  assert.deepEqual(
    validateConfig({ port: "0", cooldownSeconds: "60", baseUrl: "http://127.0.0.1:9/x/" }, "flags"),
    {
      port: 0,
      cooldownSeconds: 60,
      baseUrl: "http://127.0.0.1:9/x",
    },
  );
  assert.throws(() => validateConfig({ baseUrl: "https://user:pw@example.com" }, "flags"), /--base-url/);
  assert.throws(() => validateConfig({ maxRetryPasses: "0" }, "flags"), /--max-retry-passes must be/);
  assert.throws(() => validateConfig({ timeoutMs: "1.5" }, "flags"), /--timeout-ms must be a whole number/);
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost"]) assert.ok(isLoopbackHost(host), host);
  for (const host of ["0.0.0.0", "::", "192.168.1.2", "128.0.0.1"]) assert.ok(!isLoopbackHost(host), host);
  const dir = tempDir();
  assert.throws(() => resolveConfig({ bind: "0.0.0.0" }, dir), /refusing to listen on 0\.0\.0\.0/);
  assert.equal(resolveConfig({ bind: "0.0.0.0", allowRemote: true }, dir).bind, "0.0.0.0");
  // The file's unknown keys (a newer version's) are ignored; its bad values are not.
  fs.writeFileSync(path.join(dir, "gateway.json"), JSON.stringify({ port: 5000, futureKey: 1 }));
  assert.equal(resolveConfig({}, dir).port, 5000);
  assert.equal(resolveConfig({ port: 6000 }, dir).port, 6000, "flags win over the file");
  fs.writeFileSync(path.join(dir, "gateway.json"), JSON.stringify({ port: "many" }));
  assert.throws(() => resolveConfig({}, dir), /gateway\.json: "port" must be a whole number/);
  const config = { ...DEFAULT_GATEWAY_CONFIG, passthroughAuth: true, port: 0 };
  const args = configToArgs(config);
  assert.ok(args.includes("--passthrough-auth") && args.includes("--no-allow-remote"), args.join(" "));
  assert.deepEqual(
    args.slice(args.indexOf("--usage-check-seconds"), args.indexOf("--usage-check-seconds") + 2),
    ["--usage-check-seconds", "60"],
  );
  assert.equal(codexUrl("127.0.0.1", 4319), "http://127.0.0.1:4319/v1");
  assert.equal(codexUrl("::1", 4319), "http://[::1]:4319/v1");
});

test("quota signals: headers, codex.rate_limits events, /wham/usage, usage-limit bodies", () => {
  const headers = rateLimitsFromHeaders(
    {
      "x-codex-primary-used-percent": "77.5",
      "x-codex-primary-window-minutes": "300",
      "x-codex-primary-reset-at": "1795000000",
      "x-codex-secondary-used-percent": "12",
    },
    1000,
  );
  assert.deepEqual(headers, {
    observedAtMs: 1000,
    primary: { usedPercent: 77.5, windowMinutes: 300, resetsAtMs: 1795000000000 },
    secondary: { usedPercent: 12 },
  });
  assert.equal(rateLimitsFromHeaders({ "x-codex-primary-used-percent": "lots" }), undefined);
  const event = rateLimitsFromEvent(
    {
      type: "codex.rate_limits",
      rate_limits: { primary: { used_percent: 96, window_minutes: 300, reset_at: 10 } },
    },
    5,
  );
  assert.deepEqual(event, {
    observedAtMs: 5,
    primary: { usedPercent: 96, windowMinutes: 300, resetsAtMs: 10_000 },
  });
  assert.equal(rateLimitsFromEvent({ type: "response.created" }), undefined);
  const usage = parseUsageReport(
    {
      rate_limit: {
        allowed: false,
        limit_reached: true,
        primary_window: { used_percent: 100, limit_window_seconds: 18000, reset_after_seconds: 60 },
      },
    },
    0,
  );
  assert.deepEqual(usage, {
    available: false,
    limits: { observedAtMs: 0, primary: { usedPercent: 100, windowMinutes: 300, resetsAtMs: 60_000 } },
  });
  assert.deepEqual(
    parseUsageLimit('{"error":{"type":"usage_limit_reached","resets_at":100,"plan_type":"plus"}}'),
    {
      type: "usage_limit_reached",
      resetsAtMs: 100_000,
      planType: "plus",
    },
  );
  assert.equal(parseUsageLimit('{"error":{"type":"usage_not_included"}}')?.type, "usage_not_included");
  // Throttling is not an exhausted account; junk is nothing.
  assert.equal(parseUsageLimit('{"error":{"type":"rate_limit_exceeded"}}'), undefined);
  assert.equal(parseUsageLimit("<html>busy</html>"), undefined);
});

test("the SSE tap finds a codex.rate_limits event wherever the chunks split it", () => {
  const filler = `data: {"type":"response.output_text.delta","delta":"${"y".repeat(600)}"}\n\n`;
  const stream = Buffer.from(
    `${filler}event: codex.rate_limits\ndata: {"type":"codex.rate_limits","rate_limits":{"primary":{"used_percent":61}}}\n\n${filler}`,
  );
  for (const size of [1, 7, 16, 17, 100, 255, 256, 700, stream.length]) {
    const seen: unknown[] = [];
    const tap = createSseTap((event) => seen.push(event));
    for (let i = 0; i < stream.length; i += size) tap(stream.subarray(i, i + size));
    assert.equal(seen.length, 1, `chunks of ${size}`);
    assert.deepEqual(rateLimitsFromEvent(seen[0], 1)?.primary, { usedPercent: 61 });
  }
});

function router(statuses: StatusMap = {}, problems: Record<string, string> = {}) {
  const preferred: (string | undefined)[] = [];
  const r = new Router(
    ["a", "b", "c"],
    {
      primaryThreshold: 95,
      secondaryThreshold: 98,
      cooldownMs: 60_000,
      problem: (name) => problems[name],
      onPreferredChange: (account) => preferred.push(account),
    },
    statuses,
    new StatusWriter(tempDir()),
  );
  return { r, preferred };
}

const limits = (primary: number, secondary = 0, resetsInMs = 3_600_000) => ({
  observedAtMs: Date.now(),
  primary: { usedPercent: primary, resetsAtMs: Date.now() + resetsInMs },
  secondary: { usedPercent: secondary },
});

test("routing: most known headroom first, sooner reset among equals, weekly threshold, problems skipped", () => {
  const { r } = router();
  assert.equal(r.pick(undefined)?.account, "a", "nothing known: registry order");
  r.recordRateLimits("a", limits(70));
  r.recordRateLimits("b", limits(20, 0, 7_200_000));
  r.recordRateLimits("c", limits(25, 0, 600_000));
  assert.equal(r.pick("s1")?.account, "c", "b and c have similar room; c resets sooner");
  r.recordRateLimits("c", limits(25, 98));
  assert.equal(r.pick("s2")?.account, "b", "c is past the weekly threshold");
  assert.equal(r.preferred(), "b");
  const dead = router({}, { a: "needs a new login" }).r;
  assert.equal(dead.pick(undefined)?.account, "b");
});

test("routing: a cooldown moves the session (turn state must go), expires on its own, and the earliest reset is reported", () => {
  const { r, preferred } = router({ c: { cooldownUntilMs: Date.now() + 3_600_000 } });
  assert.equal(r.pick("s")?.account, "a");
  r.recordUsageLimit("a", {
    type: "usage_limit_reached",
    resetsAtMs: Date.now() + 1_800_000,
    planType: "pro",
  });
  const moved = r.pick("s");
  assert.deepEqual(moved, { account: "b", movedFrom: "a", reason: "usage limit" });
  assert.deepEqual(r.pick("s"), { account: "b", movedFrom: undefined, reason: undefined });
  assert.deepEqual(preferred, ["b"]);
  const recordedAt = Date.now();
  r.recordUsageLimit("b", { type: "usage_not_included", resetsAtMs: undefined, planType: undefined });
  assert.equal(r.pick("s"), undefined, "everything cooling");
  const { resetsAtMs, planType } = r.exhausted();
  assert.ok(
    resetsAtMs !== undefined && resetsAtMs >= recordedAt + 60_000 && resetsAtMs <= Date.now() + 60_000,
    `b's default cooldown: ${resetsAtMs}, recorded at ${recordedAt}`,
  );
  assert.equal(planType, undefined);
  r.clearCooldown("a");
  assert.deepEqual(r.pick("s"), { account: "a", movedFrom: "b", reason: "usage limit" });
  // A past cooldown from the store does not hold an account back.
  assert.equal(router({ a: { cooldownUntilMs: Date.now() - 1 } }).r.pick(undefined)?.account, "a");
});
