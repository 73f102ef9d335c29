import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexVersion, runCao } from "../helpers/cli.js";
import { type Tui, tmuxServer } from "../helpers/tui.js";
import { startDetachedGateway } from "./run-world.js";
import {
  footerModel,
  READY,
  SHELLS,
  seenOnScreen,
  startTuiBackend,
  type TuiWorld,
  tuiWorld,
  turn,
} from "./tui-world.js";

// cao as Codex's footer status line provider (`cao statusline`, docs/tui.md), with the real TUI: the
// config `cao statusline --config` prints, merged into the main Codex config as the docs say.
// 0.171 shows the footer; 0.169 has no providers and must run as before with the same config.
const PROVIDERS = codexVersion !== "0.169.0";
const FOOTER = /cao (a|b) · 5h [^\n]*· pool [^\n]*usable/;

const tmux = tmuxServer();
let backend: FakeBackend;

before(async () => {
  backend = await startTuiBackend(
    ["home", "gw"].flatMap((prefix) => [
      {
        accountId: `${prefix}-a`,
        email: `a-${prefix}@example.com`,
        quota: 2,
        usedPercent: 0,
        percentPerRequest: 0,
      },
      {
        accountId: `${prefix}-b`,
        email: `b-${prefix}@example.com`,
        usedPercent: 30,
        secondaryUsedPercent: 12,
      },
    ]),
  );
});
after(async () => backend?.close());

/** Accounts a (default, runs out after 2 turns) and b of the backend's `PREFIX-a` and `PREFIX-b`, with the lines `cao statusline --config` prints in the main Codex config. */
async function footerWorld(prefix: string): Promise<TuiWorld> {
  const config = await runCao(["statusline", "--config"]);
  assert.equal(config.code, 0, config.stderr);
  const accounts = [
    { name: "a", accountId: `${prefix}-a` },
    { name: "b", accountId: `${prefix}-b` },
  ];
  return tuiWorld(tmux, backend, accounts, config.stdout);
}

/** `codex` started by the bash function, up to its composer. */
async function startCodex(world: TuiWorld): Promise<Tui> {
  const tui = await tmux.start({ argv: [...SHELLS.bash.argv], env: world.paneEnv, cwd: world.cwd });
  await tui.line(SHELLS.bash.init);
  await tui.line("codex");
  await tui.waitFor(READY, { describe: "the codex composer", timeoutMs: 30_000 });
  return tui;
}

/** 0.169 has no providers: with the same config the TUI answers a turn and keeps its own footer. */
async function runsAsBefore(tui: Tui): Promise<void> {
  const screen = await turn(tui, "t1", /reply-t1 by a/);
  assert.doesNotMatch(screen, FOOTER, screen);
  assert.notEqual(footerModel(screen), "", `Codex's own footer (the model) is shown\n${screen}`);
  assert.doesNotMatch(screen, /invalid|error/i, screen);
  await tui.quit();
}

const OLD = PROVIDERS ? "" : ": no providers, the same config changes nothing";

test(`without the gateway the footer shows the account whose home the TUI runs in (codex ${codexVersion}${OLD})`, async () => {
  const world = await footerWorld("home");
  const tui = await startCodex(world);
  if (!PROVIDERS) return runsAsBefore(tui);
  // Codex's background app-server starts the provider here (no -c overrides): CODEX_HOME reaches it through env_vars.
  const screen = await tui.waitFor((s) => FOOTER.exec(s)?.[1] === "a", {
    describe: "cao's footer naming the home account a",
    timeoutMs: 30_000,
  });
  await turn(tui, "t1", /reply-t1 by a/);
  assert.match(screen, /cao a · 5h \S+/, screen);
  await tui.quit();
});

test(`through the gateway the footer shows the account serving the thread and the pool, the next account after a move (codex ${codexVersion}${OLD})`, async () => {
  const world = await footerWorld("gw");
  const enable = await world.cao(["gateway", "enable", "--shims-dir", path.join(world.root, "shims")]);
  assert.equal(enable.code, 0, enable.stderr);
  const listed = await world.cao(["config", "set", "routing.strategy", "listed"]);
  assert.equal(listed.code, 0, listed.stderr);
  await startDetachedGateway(world, backend);
  try {
    const tui = await startCodex(world);
    if (!PROVIDERS) return await runsAsBefore(tui);
    // Before any turn nothing is recorded for the thread: the home account is shown.
    await tui.waitFor((s) => FOOTER.exec(s)?.[1] === "a", {
      describe: "cao's footer naming the home account a",
      timeoutMs: 30_000,
    });
    for (let i = 1; i <= 3; i++) {
      const screen = await turn(tui, `t${i}`, new RegExp(`reply-t${i} by [ab]`));
      const trouble = seenOnScreen(screen);
      assert.equal(trouble, null, `turn ${i}: ${trouble?.[0]}\n${screen}`);
    }
    // a ran out at its third turn; the gateway served it with b and recorded that for this thread
    // (Codex's thread id is the session id the gateway sees).
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
    // The screen's last lines, for docs/tui.md and the run's log.
    console.log(`codex ${codexVersion} with cao's footer:\n${moved.split("\n").slice(-8).join("\n")}`);
    await tui.quit();
  } finally {
    await world.cao(["gateway", "stop"]);
  }
});
