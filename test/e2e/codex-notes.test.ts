import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { startCaptureProxy } from "../helpers/capture-proxy.js";
import { codexBin, codexVersion, runProcess } from "../helpers/cli.js";
import { codexExec, fakeCodexHome } from "../helpers/real-codex.js";

/**
 * The version-specific facts of docs/codex-notes.md, checked on the Codex under test (newest or
 * oldest): a new release that changes one fails here first.
 */
const since171 = codexVersion !== "0.169.0";

let backend: FakeBackend;
before(async () => {
  backend = await startFakeBackend({ accounts: [{ accountId: "acc-notes", email: "notes@example.com" }] });
});
after(() => backend.close());

test("the CLI surface: `exec --remote` and tui_workspace on by default since 0.171", async () => {
  const help = await runProcess(codexBin, ["exec", "--help"], { noStdin: true });
  assert.equal(help.code, 0, help.stderr);
  assert.equal(/--remote <ADDR>/.test(help.stdout), since171, `codex ${codexVersion} exec --help`);
  const features = await runProcess(codexBin, ["features", "list"], { noStdin: true });
  assert.equal(features.code, 0, features.stderr);
  const workspace = /^tui_workspace\s+.*\s(true|false)$/m.exec(features.stdout)?.[1];
  assert.equal(workspace, String(since171), `codex ${codexVersion}: ${features.stdout}`);
});

test("one HTTP turn: OPENAI_BASE_URL ignored, the default model, accept-encoding since 0.171", async () => {
  const proxy = await startCaptureProxy(backend.origin);
  after(() => proxy.close());
  // A listener on OPENAI_BASE_URL: Codex must not send it anything (the env var is ignored).
  let strayRequests = 0;
  const stray = http.createServer((_req, res) => {
    strayRequests++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => stray.listen(0, "127.0.0.1", resolve));
  after(() => stray.close());
  const codex = fakeCodexHome(backend, "acc-notes");
  codex.env.OPENAI_BASE_URL = `http://127.0.0.1:${(stray.address() as AddressInfo).port}/v1`;
  const result = await codexExec(codex, "hello notes", ["-c", `openai_base_url="${proxy.origin}/v1"`]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(strayRequests, 0, "requests to OPENAI_BASE_URL");
  assert.ok(proxy.turns.length > 0, "the turn went through -c openai_base_url (HTTP after the 426)");
  const models = proxy.turns.map((t) => (JSON.parse(t.body) as { model: string }).model);
  assert.deepEqual(new Set(models), new Set([since171 ? "gpt-6.2-sol" : "gpt-6.1-sol"]), codexVersion);
  assert.deepEqual(
    new Set(proxy.turns.map((t) => t.acceptEncoding)),
    new Set([since171 ? "zstd,gzip" : undefined]),
    `codex ${codexVersion}: accept-encoding on POST /v1/responses`,
  );
});
