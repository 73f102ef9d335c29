import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { writeFileAtomic } from "../../src/core/atomic-write.js";
import { authPath } from "../../src/core/paths.js";
import { gatewayWorld, send } from "../helpers/gateway.js";

/** The per-connection cache of verified callers admits nothing the full check would not. */

test("a connection's verified token is cached, but a never-valid token on it is refused", async () => {
  const w = await gatewayWorld([{ name: "one", accountId: "c-one", email: "one@example.com" }]);
  const tokens = w.gateway.context.tokens;
  const connection = {};
  const good = w.token("one");
  assert.equal(tokens.authenticate(good, connection), "one");
  assert.equal(tokens.authenticate(good, connection), "one", "the cached check");
  const forged = `${good.slice(0, -4)}AAAA`;
  assert.equal(tokens.authenticate(forged, connection), undefined);
  assert.equal(tokens.authenticate(`${good}x`, connection), undefined, "longer, same prefix");
  assert.equal(tokens.authenticate(good, connection), "one", "the real one still passes");
  // And through HTTP, on one keep-alive connection: good, forged, good.
  const statuses = [];
  for (const bearer of [good, forged, good])
    statuses.push((await send(`${w.gateway.url}/responses`, bearer)).status);
  assert.deepEqual(statuses, [200, 401, 200]);
});

test("a cached token stops working once its account's login is removed, and a new login's token works", async () => {
  const w = await gatewayWorld([{ name: "one", accountId: "c-two", email: "two@example.com" }]);
  const tokens = w.gateway.context.tokens;
  const connection = {};
  const old = w.token("one");
  assert.equal(tokens.authenticate(old, connection), "one");
  fs.rmSync(authPath("one", w.dir));
  await tokens.maintain();
  assert.equal(tokens.authenticate(old, connection), undefined, "removed: the cache must not outlive it");
  const relogin = w.backend.mintAuth("c-two");
  writeFileAtomic(authPath("one", w.dir), JSON.stringify(relogin.authJson), { mode: 0o600 });
  await tokens.maintain();
  const fresh = (relogin.authJson.tokens as { access_token: string }).access_token;
  assert.equal(tokens.authenticate(fresh, connection), "one");
  assert.equal(tokens.authenticate(old, connection), undefined, "the removed login's token stays refused");
});
