import assert from "node:assert/strict";
import fs from "node:fs";
import { after, test } from "node:test";
import { historyPath, loadHistory } from "../../src/core/usage-history.js";
import { DEFAULT_GATEWAY_CONFIG } from "../../src/gateway/config.js";
import { startGateway } from "../../src/gateway/server.js";
import { runCao } from "../helpers/cli.js";
import { eventually, gatewayWorld, type NamedAccount, send } from "../helpers/gateway.js";

/** The usage history fed by the real gateway (headers, rate-limit events, /wham/usage) across a restart. */

const accounts: NamedAccount[] = [
  {
    name: "one",
    accountId: "uh-one",
    email: "one@example.com",
    usedPercent: 10,
    percentPerRequest: 5,
    secondaryUsedPercent: 30,
  },
  { name: "two", accountId: "uh-two", email: "two@example.com", usedPercent: 70, percentPerRequest: 0 },
];

test("every observation reaches the history; a restarted gateway adds to it; a corrupt file is kept and started over; cao usage shows it", async () => {
  const w = await gatewayWorld(accounts);
  await w.gateway.context.usage.checkAll(); // /wham/usage: one sample per account
  // Observations within one status flush (1 s) are one sample: wait for each to keep them apart.
  await eventually(() => loadHistory("one", w.dir).length === 1);
  for (let i = 0; i < 3; i++) {
    assert.equal((await w.post("one", { session: "s" })).status, 200);
    w.gateway.context.router.pick(undefined);
    await eventually(() => loadHistory("one", w.dir).some((s) => s[1] === 15 + 5 * i));
  }
  await w.gateway.close();
  const before = loadHistory("one", w.dir);
  assert.deepEqual(
    before.map((s) => s[1]),
    [10, 15, 20, 25],
    "wham/usage, then the answers' headers",
  );

  // A second gateway on the same data dir (a restart) appends.
  const again = await startGateway({
    config: { ...DEFAULT_GATEWAY_CONFIG, port: 0, baseUrl: w.backend.upstreamBaseUrl },
    dir: w.dir,
    log: () => {},
    refreshUrl: w.backend.refreshUrl,
  });
  after(() => again.close());
  assert.equal((await send(`${again.url}/responses`, w.token("one"), "s2")).status, 200);
  await eventually(() => loadHistory("one", w.dir).at(-1)?.[1] === 30);
  const later = loadHistory("one", w.dir);
  assert.deepEqual(later.slice(0, before.length), before, "the old samples are still there");

  const usage = await runCao(["usage", "--json", "--since", "1h"], { env: w.world.env });
  assert.equal(usage.code, 0, usage.stderr);
  const report = JSON.parse(usage.stdout);
  const one = report.accounts.find((a: { name: string }) => a.name === "one");
  assert.equal(one.samples.length, later.length);
  assert.equal(one.windows.primary.usedPercent, later.at(-1)?.[1]);
  assert.equal(one.windows.secondary.usedPercent, 30);
  assert.equal(report.pool.headroomPoints.primary, 100 - (later.at(-1)?.[1] ?? 0) + 30);

  const chart = await runCao(["usage"], { env: w.world.env });
  assert.equal(chart.code, 0, chart.stderr);
  assert.match(chart.stdout, /^pool · 2 of 2 accounts usable · headroom \d+%/);
  assert.match(chart.stdout, /\none\n {2}5h +[▁▂▃▄▅▆▇█ ]+ +\d+%/);

  // Corrupt: kept aside, started fresh, usage still works.
  fs.writeFileSync(historyPath("one", w.dir), "{not json");
  assert.equal((await send(`${again.url}/responses`, w.token("one"), "s2")).status, 200);
  await eventually(() => loadHistory("one", w.dir).length === 1);
  assert.ok(fs.readdirSync(`${w.dir}/.history`).some((f) => f.startsWith("one.json.cao-corrupt-")));
  assert.equal((await runCao(["usage"], { env: w.world.env })).code, 0);

  const bad = await runCao(["usage", "--since", "forever"], { env: w.world.env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--since "forever" is not a duration/);
});
