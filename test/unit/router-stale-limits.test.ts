import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_THRESHOLDS } from "../../src/core/pool-policy.js";
import { parseSettings } from "../../src/core/settings.js";
import { Router } from "../../src/gateway/router.js";
import { StatusWriter } from "../../src/gateway/status-writer.js";
import { tempDir } from "../helpers/temp.js";

const router = () =>
  new Router(
    ["one", "two"],
    {
      primaryThreshold: DEFAULT_THRESHOLDS.primary,
      secondaryThreshold: DEFAULT_THRESHOLDS.secondary,
      cooldownMs: 60_000,
      problem: () => undefined,
      settings: () => parseSettings("", "cao.toml"),
    },
    {},
    new StatusWriter(tempDir()),
  );

const limits = (usedPercent: number, secondaryUsedPercent = 5) => ({
  observedAtMs: Date.now(),
  primary: { usedPercent, resetsAtMs: Date.now() + 3_600_000 },
  secondary: { usedPercent: secondaryUsedPercent, resetsAtMs: Date.now() + 86_400_000 },
});

// Flaked once under load before the fix (test/integration/gateway-routing.test.ts, "a usage limit
// mid-session"): a stream's rate-limit event read after the next request's 429 put 10% back.
test("a cooling account's 100% is not undone by an older report of more room; the weekly window still updates", () => {
  const r = router();
  r.recordRateLimits("one", limits(10));
  r.recordUsageLimit("one", {
    type: "usage_limit_reached",
    resetsAtMs: Date.now() + 1_800_000,
    planType: "plus",
  });
  r.recordRateLimits("one", limits(10, 7));
  const now = r.rateLimitsOf("one");
  assert.equal(now?.primary?.usedPercent, 100, JSON.stringify(now));
  assert.equal(now?.secondary?.usedPercent, 7, JSON.stringify(now));
});

test("once the cooldown is cleared (the usage check found quota), a lower use is recorded again", () => {
  const r = router();
  r.recordUsageLimit("one", {
    type: "usage_limit_reached",
    resetsAtMs: Date.now() + 1_800_000,
    planType: "plus",
  });
  r.clearCooldown("one");
  r.recordRateLimits("one", limits(3));
  assert.equal(r.rateLimitsOf("one")?.primary?.usedPercent, 3);
});
