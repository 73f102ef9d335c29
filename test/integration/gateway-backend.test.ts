import assert from "node:assert/strict";
import crypto from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import { test } from "node:test";
import { Agent, request } from "undici";
import { WebSocket } from "ws";
import { gatewayTlsPath, loadBackendTls } from "../../src/core/backend-tls.js";
import { gatewayCaBundlePath, readGatewayState } from "../../src/core/gateway-state.js";
import { waitUntil } from "../helpers/deadline.js";
import { gatewayWorld, modelTrail, type NamedAccount, userMessage } from "../helpers/gateway.js";

/**
 * The gateway's HTTPS side for Codex's own backend calls (`chatgpt_base_url`,
 * docs/tui.md "Codex's own quota view"): Codex's usage poll follows the pool,
 * workspace discovery points Codex back here, the rest passes through under
 * the caller's login, strangers are refused, and the certificate vouches for
 * loopback only.
 */
const accounts: NamedAccount[] = [
  // home has the most headroom, so the gateway serves it first.
  { name: "home", accountId: "be-home", email: "home@example.com", usedPercent: 5, quota: 1 },
  { name: "next", accountId: "be-next", email: "next@example.com", usedPercent: 30 },
];

async function backendWorld() {
  const w = await gatewayWorld(accounts, { backendTls: true });
  const base = w.gateway.backendUrl;
  assert.ok(base, `the HTTPS side runs: ${w.logs.join("\n")}`);
  // Trusting only what codex is given (CODEX_CA_CERTIFICATE), as codex does.
  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(gatewayCaBundlePath(w.dir), "utf8") } });
  const get = async (path: string, as: string | undefined, accountId?: string) => {
    const response = await request(new URL(path, base), {
      dispatcher,
      headers: {
        ...(as && { authorization: `Bearer ${as}` }),
        ...(accountId && { "chatgpt-account-id": accountId }),
      },
    });
    return { status: response.statusCode, text: await response.body.text() };
  };
  return { w, base, get };
}

const usedPercentOf = (text: string) =>
  (JSON.parse(text) as { rate_limit: { primary_window: { used_percent: number } } }).rate_limit.primary_window
    .used_percent;
const usageAskedFor = (w: Awaited<ReturnType<typeof backendWorld>>["w"]) =>
  w.backend.requests.filter((r) => r.path === "/backend-api/wham/usage").map((r) => r.accountId);

test("Codex's usage poll: its own account's while that serves, the next account's once it ran out", async () => {
  const { w, base, get } = await backendWorld();
  assert.equal(readGatewayState(w.dir)?.backendUrl, base, "the state file tells launches where it is");
  const own = await get("wham/usage", w.token("home"), "be-home");
  assert.equal(own.status, 200, own.text);
  assert.equal(usedPercentOf(own.text), 5, own.text);

  // home serves one turn, which uses it up: the gateway moves the session to next (before or at the 429).
  assert.equal((await w.post("home", { session: "s" })).status, 200);
  assert.equal((await w.post("home", { session: "s" })).status, 200);
  const before = usageAskedFor(w).length;
  const pool = await get("wham/usage", w.token("home"), "be-home");
  assert.equal(pool.status, 200, pool.text);
  const trail = modelTrail(w, accounts);
  assert.ok(trail[0] === "home:200" && trail.at(-1) === "next:200", trail.join(" "));
  assert.equal(usedPercentOf(pool.text), 30, `next's usage, not home's 100%: ${pool.text}`);
  assert.deepEqual(usageAskedFor(w).slice(before), ["be-next"], "asked with next's login");
});

test("workspace discovery points Codex back at this side; other calls pass through under the caller's login", async () => {
  const { w, base, get } = await backendWorld();
  const check = await get("wham/accounts/check", w.token("home"), "be-home");
  assert.equal(check.status, 200, check.text);
  const origins = (
    JSON.parse(check.text) as { accounts: Array<{ workspace_backend_origin: string }> }
  ).accounts.map((a) => a.workspace_backend_origin);
  assert.deepEqual(origins, [new URL(base).origin], check.text);

  const settings = await get("wham/settings/user", w.token("home"), "be-home");
  assert.equal(settings.status, 200, settings.text);
  const seen = w.backend.requests.filter((r) => r.path === "/backend-api/wham/settings/user");
  assert.deepEqual(
    seen.map((r) => r.accountId),
    ["be-home"],
    "forwarded once, as the caller",
  );
});

test("a token that is none of the user's accounts is refused and never forwarded", async () => {
  const { w, get } = await backendWorld();
  for (const bearer of [undefined, "not-a-token"]) {
    const answer = await get("wham/settings/user", bearer);
    assert.equal(answer.status, 401, answer.text);
  }
  const forwarded = w.backend.requests.filter((r) => r.path === "/backend-api/wham/settings/user");
  assert.deepEqual(forwarded, [], "nothing reached the backend");
});

test("the certificate: loopback only, its CA cannot sign anything else, 0600, kept across starts", async () => {
  const { w } = await backendWorld();
  const stored = fs.readFileSync(gatewayTlsPath(w.dir), "utf8");
  assert.equal(fs.statSync(gatewayTlsPath(w.dir)).mode & 0o777, 0o600);
  assert.equal(fs.statSync(gatewayCaBundlePath(w.dir)).mode & 0o777, 0o600);
  const keys = stored.match(/PRIVATE KEY-----/g) ?? [];
  assert.equal(keys.length, 2, "one private key (BEGIN + END): the leaf's; the CA's was never kept");
  const [leafPem, caPem] =
    stored.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const leaf = new crypto.X509Certificate(leafPem as string);
  const ca = new crypto.X509Certificate(caPem as string);
  assert.ok(leaf.checkIssued(ca) && !leaf.ca && ca.ca);
  assert.equal(leaf.checkIP("127.0.0.1"), "127.0.0.1");
  assert.equal(leaf.checkHost("chatgpt.com"), undefined, "vouches for no public name");
  const bundle = fs.readFileSync(gatewayCaBundlePath(w.dir), "utf8");
  assert.ok(bundle.startsWith((caPem as string).trim()), "the bundle starts with this install's CA");
  assert.ok((bundle.match(/BEGIN CERTIFICATE/g) ?? []).length > 50, "and keeps the usual roots");
  // A second start reuses the certificate (running codex processes keep trusting it).
  loadBackendTls(w.dir);
  assert.equal(fs.readFileSync(gatewayTlsPath(w.dir), "utf8"), stored);
  // A damaged file is replaced by a new certificate.
  fs.writeFileSync(gatewayTlsPath(w.dir), "garbage");
  loadBackendTls(w.dir);
  assert.notEqual(fs.readFileSync(gatewayTlsPath(w.dir), "utf8"), stored);
});

test("WebSocket: the codex.rate_limits event of the turn that used the account up shows the next account's figures", async () => {
  const w = await gatewayWorld(accounts, { backend: { websocket: true } });
  const ws = new WebSocket(`${w.gateway.url.replace("http", "ws")}/responses`, {
    headers: { authorization: `Bearer ${w.token("home")}`, "session-id": "ws-pool-view" },
  });
  const events: Array<Record<string, unknown>> = [];
  ws.on("message", (data) => events.push(JSON.parse(String(data)) as Record<string, unknown>));
  await once(ws, "open");
  const turn = async () => {
    const start = events.length;
    ws.send(JSON.stringify({ type: "response.create", input: [userMessage("hi")] }));
    await waitUntil(() => events.slice(start).some((e) => e.type === "response.completed"), {
      describe: () => JSON.stringify(events.slice(start)),
    });
    const limits = events.slice(start).find((e) => e.type === "codex.rate_limits") as
      | { rate_limits: { limit_reached: boolean; primary: { used_percent: number } } }
      | undefined;
    assert.ok(limits, JSON.stringify(events.slice(start)));
    return limits.rate_limits;
  };
  // home's only turn takes it to 100%: Codex is shown next's 30%, where its next turn goes.
  const first = await turn();
  assert.deepEqual([first.primary.used_percent, first.limit_reached], [30, false], JSON.stringify(first));
  // next serves and can go on: its own figures pass as they came.
  const second = await turn();
  assert.equal(second.primary.used_percent, 30, JSON.stringify(second));
  assert.deepEqual(modelTrail(w, accounts), [], "no HTTP model requests");
  const served = w.backend.requests.filter((r) => r.method === "WS" && !r.prewarm).map((r) => r.accountId);
  assert.deepEqual(served, ["be-home", "be-next"]);
  ws.close();
});

test("its port taken: the gateway runs without the HTTPS side, says so, and launches get no backend", async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  try {
    const port = (blocker.address() as AddressInfo).port;
    const w = await gatewayWorld(accounts, { backendTls: true, config: { backendPort: port } });
    assert.equal(w.gateway.backendUrl, undefined);
    assert.equal(readGatewayState(w.dir)?.backendUrl, undefined, "the state file names no backend");
    assert.ok(
      w.logs.some((line) => line.includes(`not served (port ${port}: EADDRINUSE)`)),
      w.logs.join("\n"),
    );
    assert.equal((await w.post("home")).status, 200, "model traffic is served all the same");
  } finally {
    blocker.close();
  }
});
