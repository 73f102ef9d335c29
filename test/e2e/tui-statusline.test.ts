import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexVersion, runCao } from "../helpers/cli.js";
import { tmuxServer } from "../helpers/tui.js";
import { startDetachedGateway } from "./run-world.js";
import { footerModel, READY, SHELLS, startTuiBackend, TROUBLE, tuiWorld, turn } from "./tui-world.js";

// cao as Codex's footer status line provider (`cao statusline`, docs/tui.md), with the real TUI: the
// config `cao statusline --config` prints, merged into the main Codex config as the docs say.
// 0.171 shows the footer; 0.169 has no providers and must run as before with the same config.
const PROVIDERS = codexVersion !== "0.169.0";
const FOOTER = /cao (a|b) · 5h [^\n]*· pool [^\n]*usable/;

const tmux = tmuxServer();
let backend: FakeBackend;

before(async () => {
  backend = await startTuiBackend([
    { accountId: "sl-a", email: "a@example.com", quota: 2, usedPercent: 0, percentPerRequest: 0 },
    { accountId: "sl-b", email: "b@example.com", usedPercent: 30, secondaryUsedPercent: 12 },
  ]);
});
after(async () => backend?.close());

test(`the footer shows the account serving the thread and the pool, home first, the next account after a move (codex ${codexVersion}${PROVIDERS ? "" : ": no providers, the same config changes nothing"})`, async () => {
  const config = await runCao(["statusline", "--config"]);
  assert.equal(config.code, 0, config.stderr);
  const world = tuiWorld(
    tmux,
    backend,
    [
      { name: "a", accountId: "sl-a" },
      { name: "b", accountId: "sl-b" },
    ],
    config.stdout,
  );
  const enable = await world.cao(["gateway", "enable", "--shims-dir", path.join(world.root, "shims")]);
  assert.equal(enable.code, 0, enable.stderr);
  const listed = await world.cao(["config", "set", "routing.strategy", "listed"]);
  assert.equal(listed.code, 0, listed.stderr);
  await startDetachedGateway(world, backend);
  try {
    const tui = await tmux.start({ argv: [...SHELLS.bash.argv], env: world.paneEnv, cwd: world.cwd });
    await tui.line(SHELLS.bash.init);
    await tui.line("codex");
    if (!PROVIDERS) {
      await tui.waitFor(READY, { describe: "the codex composer", timeoutMs: 30_000 });
      const screen = await turn(tui, "t1", /reply-t1 by a/);
      assert.doesNotMatch(screen, FOOTER, screen);
      assert.notEqual(footerModel(screen), "", `Codex's own footer (the model) is shown\n${screen}`);
      assert.doesNotMatch(screen, /invalid|error/i, screen);
      await tui.quit();
      return;
    }
    // Before any turn nothing is recorded for the thread: the home account is shown.
    const first = await tui.waitFor((s) => READY.test(s) && FOOTER.exec(s)?.[1] === "a", {
      describe: "cao's footer naming the home account a",
      timeoutMs: 30_000,
    });
    assert.match(first, /cao a · 5h \S+/, first);
    for (let i = 1; i <= 3; i++) {
      const screen = await turn(tui, `t${i}`, new RegExp(`reply-t${i} by [ab]`));
      const trouble = TROUBLE.exec(screen);
      assert.equal(trouble, null, `turn ${i}: ${trouble?.[0]}\n${screen}`);
    }
    // a ran out at its third turn; the gateway served it with b and recorded that for this thread.
    const moved = await tui.waitFor((s) => FOOTER.exec(s)?.[1] === "b", {
      describe: "cao's footer naming b, which serves the thread now",
      timeoutMs: 30_000,
    });
    const footer =
      moved
        .split("\n")
        .find((line) => FOOTER.test(line))
        ?.trim() ?? "";
    assert.match(
      footer,
      /^cao b · 5h 30% \(resets in [^)]+\) · weekly 12% \(resets in [^)]+\) · pool \d+% left, 2\/2 usable$/,
      moved,
    );
    console.log(`footer (codex ${codexVersion}): ${footer}`);
    await tui.quit();
  } finally {
    await world.cao(["gateway", "stop"]);
  }
});
