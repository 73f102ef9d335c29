import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import { after, before, test } from "node:test";
import type { TLSSocket } from "node:tls";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";

let backend: FakeBackend;

before(async () => {
  backend = await startFakeBackend({
    https: true,
    accounts: [
      { accountId: "acc-a", email: "a@example.com" },
      { accountId: "acc-b", email: "b@example.com", plan: "pro" },
    ],
  });
});
after(() => backend.close());

/** A GET over TLS that trusts only the backend's CA (what Codex does with CODEX_CA_CERTIFICATE). */
function getTls(path: string, accountId: string): Promise<{ status: number; body: unknown; peer: string }> {
  const tokens = backend.mintAuth(accountId).authJson.tokens as { access_token: string };
  const ca = fs.readFileSync(String(backend.caCertFile), "utf8");
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${backend.httpsOrigin}${path}`,
      { ca, headers: { authorization: `Bearer ${tokens.access_token}`, "chatgpt-account-id": accountId } },
      (res) => {
        const leaf = (res.socket as TLSSocket).getPeerX509Certificate();
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), peer: leaf?.toString() ?? "" }),
        );
      },
    );
    req.on("error", reject);
  });
}

test("the HTTPS side is trusted through the CA made at start, with a leaf that is not a CA", async () => {
  assert.match(String(backend.httpsOrigin), /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(backend.chatgptBaseUrl, `${backend.httpsOrigin}/backend-api/`);
  const answer = await getTls("/backend-api/wham/usage", "acc-a");
  assert.equal(answer.status, 200);
  const leaf = new X509Certificate(answer.peer);
  assert.equal(leaf.ca, false, leaf.toString());
  assert.match(String(leaf.subjectAltName), /IP Address:127\.0\.0\.1/);
  assert.match(String(leaf.keyUsage?.join(",")), /1\.3\.6\.1\.5\.5\.7\.3\.1/, "serverAuth");
  const ca = new X509Certificate(fs.readFileSync(String(backend.caCertFile)));
  assert.equal(ca.ca, true);
  assert.ok(leaf.verify(ca.publicKey), "leaf signed by the CA");
  const leftovers = fs.readdirSync(String(backend.caCertFile).replace(/\/ca\.pem$/, ""));
  assert.deepEqual(leftovers, ["ca.pem"], "no key is left on disk");
});

test("accounts/check lists the signed-in account with the backend's HTTPS origin", async () => {
  for (const [accountId, plan] of [
    ["acc-a", "plus"],
    ["acc-b", "pro"],
  ]) {
    const answer = await getTls("/backend-api/wham/accounts/check", String(accountId));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      accounts: [
        {
          id: accountId,
          structure: "personal",
          plan_type: plan,
          workspace_backend_origin: backend.httpsOrigin,
          account_routing_override: "NO_CONSTRAINT",
        },
      ],
      default_account_id: accountId,
      account_ordering: [accountId],
    });
  }
});

test("the TUI's other backend calls get 200 {}", async () => {
  for (const path of [
    "/backend-api/wham/settings/user",
    "/backend-api/wham/security-setup",
    "/backend-api/ps/mcp",
    "/backend-api/codex/analytics-events/events",
  ]) {
    const answer = await getTls(path, "acc-a");
    assert.deepEqual([path, answer.status, answer.body], [path, 200, {}]);
  }
});

test("closing removes the CA directory", async () => {
  const other = await startFakeBackend({
    https: true,
    accounts: [{ accountId: "x", email: "x@example.com" }],
  });
  const file = String(other.caCertFile);
  assert.ok(fs.existsSync(file));
  await other.close();
  assert.equal(fs.existsSync(file), false);
});
