import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { readGatewayState } from "../../src/core/gateway-state.js";
import { eventually, gatewayWorld, modelTrail, type NamedAccount, readStatuses } from "../helpers/gateway.js";

/** Routing through the in-process gateway against the fake backend: sticky, proactive, reactive. */

test("a usage limit mid-session: the request is replayed on the next account, the client never sees the 429", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "r-one", email: "one@example.com", usedPercent: 10, percentPerRequest: 0 },
    { name: "two", accountId: "r-two", email: "two@example.com", usedPercent: 20, percentPerRequest: 0 },
  ];
  const w = await gatewayWorld(accounts);
  await w.gateway.context.usage.checkAll();
  const first = await w.post("one", { session: "s1" });
  assert.equal(first.status, 200);
  assert.match(first.text, /response\.completed/);
  // one runs out behind the gateway's back: only the 429 can tell.
  const limitSetS = Math.floor(Date.now() / 1000);
  w.backend.setAccount("r-one", { quota: 0, resetsInSeconds: 1800 });
  const second = await w.post("one", { session: "s1" });
  assert.equal(second.status, 200, second.text);
  assert.match(second.text, /response\.completed/);
  assert.deepEqual(modelTrail(w, accounts), ["one:200", "one:429", "two:200"]);
  // The session stays where it moved.
  assert.equal((await w.post("one", { session: "s1" })).status, 200);
  assert.deepEqual(modelTrail(w, accounts).at(-1), "two:200");
  await eventually(
    () => typeof readStatuses(w.dir).one?.cooldownUntilMs === "number",
    () => JSON.stringify(readStatuses(w.dir)),
  );
  const one = readStatuses(w.dir).one!;
  // Until the resets_at the backend announced: 1800 s from when the limit was set.
  const until = one.cooldownUntilMs as number;
  assert.ok(
    until >= (limitSetS + 1800) * 1000 && until <= Date.now() + 1800_000,
    `cooldown until ${until}, limit set at ${limitSetS} s`,
  );
  assert.equal(one.lastError, "usage_limit_reached");
  assert.equal((one.rateLimits as { primary: { usedPercent: number } }).primary.usedPercent, 100);
  assert.equal(readGatewayState(w.dir)?.account, "two", "new codex launches start on two");
  assert.equal(fs.readFileSync(path.join(w.dir, ".state/usage/one"), "utf8").split(" ")[0], "100");
});

test("proactive: a session leaves an account past the 5-hour threshold before it fails", async () => {
  const accounts: NamedAccount[] = [
    // one resets sooner, so it is used first (its unused quota would be lost at the reset).
    {
      name: "one",
      accountId: "p-one",
      email: "one@example.com",
      usedPercent: 90,
      percentPerRequest: 6,
      resetsInSeconds: 900,
    },
    { name: "two", accountId: "p-two", email: "two@example.com", usedPercent: 92, percentPerRequest: 0 },
  ];
  const w = await gatewayWorld(accounts, { config: { primaryThreshold: 95 } });
  await w.gateway.context.usage.checkAll();
  const first = await w.post("one", { session: "s" });
  assert.equal(first.status, 200);
  // The stream came gzip (as the edge sends it) and was passed on as it came; the tap read it decoded.
  assert.equal(first.headers["content-encoding"], "gzip");
  // The first answer reported 96%: the next request moves without ever seeing a 429.
  assert.equal((await w.post("one", { session: "s" })).status, 200);
  assert.deepEqual(modelTrail(w, accounts), ["one:200", "two:200"]);
});

test("sticky: a session keeps its account while it is under the threshold; new ones go where the headroom is", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "k-one", email: "one@example.com", usedPercent: 60, percentPerRequest: 0 },
    { name: "two", accountId: "k-two", email: "two@example.com", usedPercent: 10, percentPerRequest: 0 },
  ];
  const w = await gatewayWorld(accounts);
  await w.gateway.context.usage.checkAll();
  await w.post("one", { session: "a" });
  w.backend.setAccount("k-two", { usedPercent: 80 });
  await w.post("one", { session: "a" }); // reports 80%: less room than one, but moving would lose the cache
  await w.post("one", { session: "b" });
  await w.post("one", { session: "a" });
  assert.deepEqual(modelTrail(w, accounts), ["two:200", "two:200", "one:200", "two:200"]);
});

test("a generic 429 (rate limiting) is passed on and cools nothing down", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "g-one", email: "one@example.com" },
    { name: "two", accountId: "g-two", email: "two@example.com" },
  ];
  const w = await gatewayWorld(accounts);
  w.backend.injectFault({ kind: "rate-limit" });
  const answer = await w.post("one");
  assert.equal(answer.status, 429);
  assert.match(answer.text, /rate_limit_exceeded/);
  assert.deepEqual(modelTrail(w, accounts), ["one:429"]);
  assert.equal(w.gateway.context.router.coolingAccounts().length, 0);
});

test("every account out: Codex's own usage-limit error with the earliest reset", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "x-one", email: "one@example.com", quota: 0, resetsInSeconds: 7200 },
    {
      name: "two",
      accountId: "x-two",
      email: "two@example.com",
      quota: 0,
      resetsInSeconds: 600,
      plan: "pro",
    },
  ];
  const startedS = Math.floor(Date.now() / 1000);
  const w = await gatewayWorld(accounts);
  const answer = await w.post("one");
  assert.equal(answer.status, 429);
  const error = JSON.parse(answer.text).error;
  assert.equal(error.type, "usage_limit_reached");
  // two's window (600 s from when the backend started) is the earliest reset.
  assert.ok(
    error.resets_at >= startedS + 600 && error.resets_at <= Date.now() / 1000 + 600,
    `earliest reset ${error.resets_at}, backend started at ${startedS}`,
  );
  assert.equal(error.plan_type, "pro");
  // Cooling accounts are not asked again for this request: one attempt each.
  assert.deepEqual(modelTrail(w, accounts).sort(), ["one:429", "two:429"]);
});

test("usage_not_included cools the account down and moves on", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "n-one", email: "one@example.com", notIncluded: true },
    { name: "two", accountId: "n-two", email: "two@example.com" },
  ];
  const w = await gatewayWorld(accounts);
  assert.equal((await w.post("one")).status, 200);
  assert.deepEqual(modelTrail(w, accounts), ["one:429", "two:200"]);
});

test("early reset: a cooling account whose quota came back is found by the usage check", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "e-one", email: "one@example.com", quota: 0, resetsInSeconds: 86_400 },
    { name: "two", accountId: "e-two", email: "two@example.com", quota: 0, resetsInSeconds: 86_400 },
  ];
  const w = await gatewayWorld(accounts, { config: { usageCheckSeconds: 1 } });
  assert.equal((await w.post("one")).status, 429);
  assert.deepEqual(w.gateway.context.router.coolingAccounts(), ["one", "two"]);
  w.backend.setAccount("e-two", { quota: 10 });
  // Outlast the 1 s rate limit of usage checks: a lower bound, which a slow machine only overshoots.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  // The next request finds nothing usable, checks the cooling accounts (rate-limited) and gets two back.
  const answer = await w.post("one");
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(modelTrail(w, accounts).at(-1), "two:200");
  assert.deepEqual(w.gateway.context.router.coolingAccounts(), ["one"]);
  await eventually(
    () => readStatuses(w.dir).two?.cooldownUntilMs === undefined,
    () => JSON.stringify(readStatuses(w.dir)),
  );
  assert.deepEqual(
    w.logs.filter((line) => line.includes("has quota again")),
    ["usage check: two has quota again"],
  );
});

test("the start-up usage check says nothing about accounts that were not cooling down", async () => {
  const accounts: NamedAccount[] = [
    { name: "one", accountId: "q-one", email: "one@example.com" },
    { name: "two", accountId: "q-two", email: "two@example.com" },
  ];
  const w = await gatewayWorld(accounts, { config: { usageCheckSeconds: 1 } });
  const usageChecks = () => w.backend.requests.filter((r) => r.path.endsWith("/wham/usage")).length;
  await eventually(
    () => usageChecks() >= 2,
    () => `usage checks seen: ${usageChecks()}`,
  );
  assert.equal((await w.post("one")).status, 200);
  assert.deepEqual(
    w.logs.filter((line) => line.includes("has quota again")),
    [],
    w.logs.join("\n"),
  );
});
