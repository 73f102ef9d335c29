import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_THRESHOLDS } from "../../src/core/pool-policy.js";
import { parseSettings } from "../../src/core/settings.js";
import { Router } from "../../src/gateway/router.js";
import { StatusWriter } from "../../src/gateway/status-writer.js";
import {
  caseSettings,
  SPEND_ORDER_ACCOUNTS,
  SPEND_ORDER_CASES,
  spendOrderStatuses,
} from "../helpers/spend-order.js";
import { tempDir } from "../helpers/temp.js";

/** The gateway's side of test/fixtures/spend-order.json (`cao run`'s: test/integration/run-strategy.test.ts). */
for (const testCase of SPEND_ORDER_CASES) {
  test(`the gateway's router: ${testCase.name}`, () => {
    const settings = parseSettings(caseSettings(testCase), "cao.toml");
    const router = new Router(
      SPEND_ORDER_ACCOUNTS,
      {
        primaryThreshold: DEFAULT_THRESHOLDS.primary,
        secondaryThreshold: DEFAULT_THRESHOLDS.secondary,
        cooldownMs: 60_000,
        problem: () => undefined,
        settings: () => settings,
      },
      spendOrderStatuses(Date.now()),
      new StatusWriter(tempDir()),
    );
    // A new session each time, with every account it got so far excluded (as a failing request would).
    const picked: string[] = [];
    for (let choice = router.pick(undefined); choice; choice = router.pick(undefined, new Set(picked)))
      picked.push(choice.account);
    assert.deepEqual(picked, testCase.order);
  });
}
