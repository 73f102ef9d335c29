import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { readGatewayState } from "../../src/core/gateway-state.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexVersion } from "../helpers/cli.js";
import { tmuxServer } from "../helpers/tui.js";
import { startDetachedGateway } from "./run-world.js";
import { footerModel, READY, SHELLS, seenOnScreen, startTuiBackend, tuiWorld, turn } from "./tui-world.js";

// Issue 13 item 3, a running session: the home account runs out mid-session (no warning before it),
// the gateway serves the later turns on b, and for minutes after that the TUI keeps polling its own
// usage (`wham/usage` on chatgpt_base_url, about once a minute). Through cao that poll reaches the
// gateway's HTTPS side, which answers with b's usage, so Codex neither warns about a limit nor offers
// or makes a model switch. The model nudge is left on so that an offer would show.
const LIMIT_WARNING = /5h limit|weekly limit|less than \d+% of your|Approaching rate limits|limit: only/i;
/** Minutes of turns after the home account ran out: at least two of Codex's usage polls. */
const MINUTES_AFTER = Number(process.env.CAO_TUI_QUOTA_MINUTES ?? 2);
const tmux = tmuxServer();
let backend: FakeBackend;

before(async () => {
  backend = await startTuiBackend([
    { accountId: "run-a", email: "a@example.com", quota: 2, usedPercent: 0, percentPerRequest: 0 },
    { accountId: "run-b", email: "b@example.com", usedPercent: 12 },
  ]);
});
after(() => backend.close());

test(`running TUI whose home account ran out: minutes of turns on b, no limit warning, no model switch (codex ${codexVersion})`, async () => {
  const world = tuiWorld(
    tmux,
    backend,
    [
      { name: "a", accountId: "run-a" },
      { name: "b", accountId: "run-b" },
    ],
    "[notice]\nhide_rate_limit_model_nudge = false\n",
  );
  const enable = await world.cao(["gateway", "enable", "--shims-dir", path.join(world.root, "shims")]);
  assert.equal(enable.code, 0, enable.stderr);
  // Registry order: a, the home account, serves first although b has as much headroom.
  assert.equal((await world.cao(["config", "set", "routing.strategy", "listed"])).code, 0);
  await startDetachedGateway(world, backend);
  try {
    assert.ok(readGatewayState(world.dataDir)?.backendUrl, "the gateway serves Codex's backend calls");
    const tui = await tmux.start({ argv: [...SHELLS.bash.argv], env: world.paneEnv, cwd: world.cwd });
    await tui.line(SHELLS.bash.init);
    await tui.line("codex");
    const first = await tui.waitFor((s) => READY.test(s) && footerModel(s) !== "", {
      describe: "the codex composer and footer",
      timeoutMs: 30_000,
    });
    const model = footerModel(first);
    let screen = first;
    let ranOutAtMs = 0;
    const check = (label: string) => {
      for (const pattern of [undefined, LIMIT_WARNING]) {
        const seen = seenOnScreen(screen, pattern);
        assert.equal(seen, null, `${label}: ${seen?.[0]}\n${screen}`);
      }
    };
    for (let i = 1; ranOutAtMs === 0 || Date.now() - ranOutAtMs < MINUTES_AFTER * 60_000; i++) {
      screen = await turn(tui, `t${i}`, new RegExp(`reply-t${i} by [ab]`));
      if (ranOutAtMs === 0 && /reply-t\d+ by b/.test(screen)) ranOutAtMs = Date.now();
      check(`turn ${i}`);
      // Turns a few seconds apart, as a person types: Codex's usage polls fall between them.
      await tui.waitFor(READY, { describe: "the composer between turns" });
      await new Promise((resolve) => setTimeout(resolve, 5000));
      screen = await tui.screen();
      check(`after turn ${i}`);
    }
    const turns = backend.requests
      .filter((r) => r.path.endsWith("/responses") && r.method !== "GET" && !r.prewarm)
      .map((r) => `${r.accountId?.slice(-1)}:${r.status}`);
    assert.equal(turns[0], "a:200", `the home account served first: ${turns.join(" ")}`);
    assert.equal(turns.at(-1), "b:200", turns.join(" "));
    assert.equal(footerModel(screen), model, `footer model before/after\n${screen}`);
    const usageAsked = backend.requests
      .filter((r) => r.path === "/backend-api/wham/usage" && r.atMs > ranOutAtMs)
      .map((r) => r.accountId);
    assert.ok(
      usageAsked.includes("run-b"),
      `Codex's usage polls were answered with b's: ${usageAsked.join(" ")}`,
    );
    await tui.quit();
  } finally {
    await world.cao(["gateway", "stop"]);
  }
});
