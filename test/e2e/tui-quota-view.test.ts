import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { readGatewayState } from "../../src/core/gateway-state.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexVersion } from "../helpers/cli.js";
import { waitUntil } from "../helpers/deadline.js";
import { tmuxServer } from "../helpers/tui.js";
import { startDetachedGateway } from "./run-world.js";
import { footerModel, READY, SHELLS, seenOnScreen, startTuiBackend, tuiWorld, turn } from "./tui-world.js";

// Issue 13 item 3, the part cao controls: Codex's own quota view comes from its home account
// (`/wham/usage`, polled by the TUI itself, and the usage headers it gets). A TUI started through cao
// while the default account is used up must start in a home with quota, so that it neither warns
// about a limit nor offers or makes a model switch. The model nudge is left on here (tui-world turns
// it off elsewhere) so that an offer would show.
const LIMIT_WARNING = /5h limit|weekly limit|less than \d+% of your|Approaching rate limits/i;
const tmux = tmuxServer();

/** The CODEX_HOMEs under `dataDir` that running processes (the TUI's codex, its daemon) have. */
function homesInUse(dataDir: string): string[] {
  const homes = new Set<string>();
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
    } catch {
      continue; // gone, or not ours to read
    }
    const home = environ.split("\0").find((v) => v.startsWith("CODEX_HOME="));
    if (home?.startsWith(`CODEX_HOME=${dataDir}/`))
      homes.add(path.basename(home.slice("CODEX_HOME=".length)));
  }
  return [...homes];
}
let backend: FakeBackend;

before(async () => {
  backend = await startTuiBackend([
    { accountId: "quota-a", email: "a@example.com", quota: 0, usedPercent: 100 },
    { accountId: "quota-b", email: "b@example.com" },
  ]);
});
after(() => backend.close());

test(`TUI started while the default account is used up: it opens in a home with quota, no limit warning, no model switch (codex ${codexVersion})`, async () => {
  const world = tuiWorld(
    tmux,
    backend,
    [
      { name: "a", accountId: "quota-a" },
      { name: "b", accountId: "quota-b" },
    ],
    "[notice]\nhide_rate_limit_model_nudge = false\n",
  );
  assert.equal((await world.cao(["use", "a"])).code, 0);
  const enable = await world.cao(["gateway", "enable", "--shims-dir", path.join(world.root, "shims")]);
  assert.equal(enable.code, 0, enable.stderr);
  await startDetachedGateway(world, backend);
  try {
    // The gateway's first usage check sees a used up and chooses b for new sessions.
    await waitUntil(() => readGatewayState(world.dataDir)?.account === "b", {
      describe: () => `the gateway's choice: ${JSON.stringify(readGatewayState(world.dataDir))}`,
    });
    const tui = await tmux.start({ argv: [...SHELLS.bash.argv], env: world.paneEnv, cwd: world.cwd });
    await tui.line(SHELLS.bash.init);
    await tui.line("codex");
    const first = await tui.waitFor((s) => READY.test(s) && footerModel(s) !== "", {
      describe: "the codex composer and footer",
      timeoutMs: 30_000,
    });
    assert.deepEqual(homesInUse(world.dataDir), ["b"], "the TUI runs in b's home, not the used-up default's");
    const model = footerModel(first);
    let screen = first;
    for (let i = 1; i <= 3; i++) {
      screen = await turn(tui, `q${i}`, new RegExp(`reply-q${i} by b`));
      for (const pattern of [undefined, LIMIT_WARNING]) {
        const seen = seenOnScreen(screen, pattern);
        assert.equal(seen, null, `turn ${i}: ${seen?.[0]}\n${screen}`);
      }
    }
    assert.equal(footerModel(screen), model, `footer model before/after\n${screen}`);
    const turns = backend.requests
      .filter((r) => r.path.endsWith("/responses") && r.method !== "GET" && !r.prewarm)
      .map((r) => `${r.accountId?.slice(-1)}:${r.status}`);
    assert.ok(
      turns.length >= 3 && turns.every((t) => t === "b:200"),
      `every model request on b, none refused on a: ${turns.join(" ")}`,
    );
    await tui.quit();
  } finally {
    await world.cao(["gateway", "stop"]);
  }
});
