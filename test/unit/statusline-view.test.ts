import assert from "node:assert/strict";
import { test } from "node:test";
import type { AccountView } from "../../src/core/account-view.js";
import type { PoolHeadroom } from "../../src/core/pool-policy.js";
import { footerParts, footerText, footerTree } from "../../src/pool/statusline-view.js";

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const MIN = 60_000;
const pool: PoolHeadroom = { points: { primary: 120, secondary: 150 }, percent: 60, usable: 2, total: 2 };

function account(overrides: Partial<AccountView> = {}): AccountView {
  return {
    name: "work",
    isDefault: true,
    auth: { state: "ok" } as AccountView["auth"],
    status: {},
    coolingDown: false,
    fiveHour: { usedPercent: 42.4, windowMinutes: 300, resetsAtMs: NOW + 130 * MIN },
    weekly: { usedPercent: 91, windowMinutes: 10080, resetsAtMs: NOW + 3 * 24 * 60 * MIN },
    usageObservedAtMs: NOW,
    memoryOnly: null,
    ...overrides,
  };
}

test("the footer names the account, its windows with resets, and the pool; 90% and more is in the limit colour", () => {
  const parts = footerParts({ nowMs: NOW, account: account(), pool });
  assert.equal(
    footerText(parts),
    "cao work · 5h 42% (resets in 2h 10m) · weekly 91% (resets in 3d) · pool 60% left, 2/2 usable",
  );
  assert.deepEqual(
    parts.map((p) => p.colour),
    ["accent", "status-usage", "status-limit", "status-usage"],
  );
});

test("a cooling account's 5 hours read as out until the cooldown ends; a window past its reset reads 0%; unseen ones ?", () => {
  const cooling = account({
    coolingDown: true,
    status: { cooldownUntilMs: NOW + 65 * MIN },
    weekly: { usedPercent: 50, windowMinutes: 10080, resetsAtMs: NOW - MIN },
  });
  assert.equal(
    footerText(footerParts({ nowMs: NOW, account: cooling, pool })),
    "cao work · 5h out (back in 1h 5m) · weekly 0% · pool 60% left, 2/2 usable",
  );
  const unseen = account({ fiveHour: null, weekly: null });
  assert.match(
    footerText(footerParts({ nowMs: NOW, account: unseen, pool })),
    /^cao work · 5h \? · weekly \? ·/,
  );
});

test("without a known account only the pool shows; a pool with no usable account says so", () => {
  const empty: PoolHeadroom = {
    points: { primary: 0, secondary: 0 },
    percent: undefined,
    usable: 0,
    total: 1,
  };
  assert.equal(
    footerText(footerParts({ nowMs: NOW, account: null, pool: empty })),
    "cao · pool: no usable account",
  );
});

test("the UI tree is one row with a whole-number gap: coloured texts with a plain separator between them", () => {
  const tree = footerTree(footerParts({ nowMs: NOW, account: null, pool })) as {
    type: string;
    props: { gap: number };
    children: unknown[];
  };
  assert.equal(tree.type, "row");
  assert.equal(tree.props.gap, 1);
  assert.deepEqual(tree.children, [
    { type: "text", props: { color: "accent" }, children: ["cao"] },
    "·",
    { type: "text", props: { color: "status-usage" }, children: ["pool 60% left, 2/2 usable"] },
  ]);
});
