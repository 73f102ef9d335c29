import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import {
  caseSettings,
  SPEND_ORDER_ACCOUNTS,
  SPEND_ORDER_CASES,
  SPEND_ORDER_DEFAULT,
  spendOrderStatuses,
} from "../helpers/spend-order.js";
import { fakeCodexWorld } from "./run-fake-codex.js";

/**
 * `cao run`'s side of test/fixtures/spend-order.json (the gateway's: test/unit/spend-order.test.ts):
 * a stand-in codex on which every account hits its usage limit, so one pass tries every account it
 * may, in its order.
 */
function world(settings: string) {
  const w = fakeCodexWorld([...SPEND_ORDER_ACCOUNTS], SPEND_ORDER_DEFAULT);
  fs.writeFileSync(path.join(w.dataDir, "cao.toml"), settings);
  w.setStatuses(spendOrderStatuses(Date.now()));
  w.script(
    Object.fromEntries(SPEND_ORDER_ACCOUNTS.map((name) => [name, [{ rollout: "quota", header: true }]])),
  );
  return w;
}

for (const testCase of SPEND_ORDER_CASES) {
  test(`cao run tries accounts in the pool's spend order: ${testCase.name}`, async () => {
    const w = world(caseSettings(testCase));
    const result = await w.cao(["run", "--max-passes", "1", "--", "exec", "hi"]);
    assert.equal(result.code, 75, result.stderr);
    // The default account first (`cao use a && cao run` starts on a), then the table's order.
    assert.deepEqual(
      w.calls().map((c) => c.account),
      [SPEND_ORDER_DEFAULT, ...testCase.order.filter((name) => name !== SPEND_ORDER_DEFAULT)],
    );
    assert.match(result.stderr, /skipping p: paused/);
    assert.match(result.stderr, /skipping r: keeping its 5-hour reserve \(85% used, cap 80%\)/);
  });
}

test("an account named for the run goes first (--account, $CAO_ACCOUNT), the rest in spend order", async () => {
  const [headroom] = SPEND_ORDER_CASES;
  const w = world(caseSettings(headroom!));
  const named = await w.cao(["run", "--max-passes", "1", "--account", "g", "--", "exec", "hi"]);
  assert.equal(named.code, 75, named.stderr);
  const shell = await w.cao(["run", "--max-passes", "1", "--no-fallback", "--", "exec", "hi"], {
    env: { ...w.env, CAO_ACCOUNT: "c" },
  });
  // c is cooling down since the first run: the one account this run may use is out.
  assert.equal(shell.code, 75, shell.stderr);
  assert.match(shell.stderr, /skipping c: out of quota until /);
  assert.deepEqual(
    w.calls().map((c) => c.account),
    ["g", ...headroom!.order.filter((name) => name !== "g")],
  );
});

test("concurrent cao runs never start codex on a paused or reserved account", async () => {
  const [headroom] = SPEND_ORDER_CASES;
  const w = world(caseSettings(headroom!));
  const runs = await Promise.all(
    Array.from({ length: 6 }, () => w.cao(["run", "--max-passes", "1", "--", "exec", "hi"])),
  );
  for (const run of runs) assert.equal(run.code, 75, run.stderr);
  const used = w.calls().map((c) => c.account);
  assert.ok(used.length >= headroom!.order.length, used.join(" "));
  assert.deepEqual(
    used.filter((name) => name === "p" || name === "r"),
    [],
    `codex ran on: ${used.join(" ")}`,
  );
});
