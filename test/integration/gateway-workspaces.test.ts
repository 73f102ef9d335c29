import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { ROUTING_OVERRIDE_HEADER } from "../../src/gateway/workspaces.js";
import { eventually, gatewayWorld, type NamedAccount, readStatuses } from "../helpers/gateway.js";

/**
 * Regional workspaces: an account whose workspace lives on another origin
 * (the fake backend's second loopback origin) is served there with its own
 * routing override, whichever account Codex runs as; the home account's
 * override never travels with another account. The fake backend refuses any
 * model request on the wrong origin or with the wrong override (403).
 */
const accounts: NamedAccount[] = [
  { name: "home", accountId: "w-home", email: "home@example.com" },
  { name: "gov", accountId: "w-gov", email: "gov@example.com", regionalOverride: "us_cr" },
];

function modelRequests(w: Awaited<ReturnType<typeof gatewayWorld>>) {
  return w.backend.requests
    .filter((r) => r.method === "POST" && r.path.endsWith("/responses"))
    .map((r) => ({
      account: r.accountId,
      status: r.status,
      regional: r.regional ?? false,
      override: r.routingOverride,
    }));
}

test("a move to a regional account goes to its origin with its override; back home without it", async () => {
  const w = await gatewayWorld(accounts, { backend: { regionalOrigin: true } });
  // Codex runs as home (NO_CONSTRAINT); home is out: the request moves to gov.
  w.backend.setAccount("w-home", { quota: 0 });
  const toGov = await w.post("home", {
    session: "a",
    headers: { [ROUTING_OVERRIDE_HEADER]: "NO_CONSTRAINT" },
  });
  assert.equal(toGov.status, 200, toGov.text);
  // Codex runs as gov (sends us_cr); gov is out and home is back: home must not get us_cr.
  w.backend.setAccount("w-home", { quota: 10 });
  w.backend.setAccount("w-gov", { quota: 0 });
  w.gateway.context.router.clearCooldown("home");
  const toHome = await w.post("gov", { session: "b", headers: { [ROUTING_OVERRIDE_HEADER]: "us_cr" } });
  assert.equal(toHome.status, 200, toHome.text);
  assert.deepEqual(modelRequests(w), [
    { account: "w-home", status: 429, regional: false, override: undefined },
    { account: "w-gov", status: 200, regional: true, override: "us_cr" },
    { account: "w-gov", status: 429, regional: true, override: "us_cr" },
    { account: "w-home", status: 200, regional: false, override: undefined },
  ]);
  const checks = w.backend.requests.filter((r) => r.path === "/backend-api/wham/accounts/check");
  assert.deepEqual(checks.map((r) => r.accountId).sort(), ["w-gov", "w-home"], "asked once per account");
});

test("an account whose workspace cannot be discovered is skipped with the reason, not used elsewhere", async () => {
  // An upstream whose accounts/check does not list the account (as for a login it does not know).
  const probe = http.createServer((req, res) => {
    req.resume();
    if (req.url === "/backend-api/wham/accounts/check") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ accounts: [] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  after(() => {
    probe.closeAllConnections();
    probe.close();
  });
  const { port } = probe.address() as AddressInfo;
  const w = await gatewayWorld([accounts[0]!], { upstream: `http://127.0.0.1:${port}/backend-api/codex` });
  const answer = await w.post("home");
  assert.equal(answer.status, 503, answer.text);
  await eventually(() =>
    /workspace routing discovery failed/.test(String(readStatuses(w.dir).home?.lastError)),
  );
  assert.match(
    String(readStatuses(w.dir).home?.lastError),
    /missing from accounts\/check/,
    JSON.stringify(readStatuses(w.dir).home),
  );
});
