import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeAccountSpec, FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexVersion } from "../helpers/cli.js";
import { tmuxServer } from "../helpers/tui.js";
import { startDetachedGateway } from "./run-world.js";
import { footerModel, READY, SHELLS, seenOnScreen, type TuiWorld, tuiWorld, turn } from "./tui-world.js";

// The interactive Codex TUI (the real codex under test) started through cao with gateway routing on,
// while its home account runs out mid-session: the gateway moves the session, the user sees nothing.
interface Case {
  name: string;
  /** How codex is started: the `codex` shell function of bash or zsh, or the PATH shim from a plain bash. */
  via: "bash" | "zsh" | "shim";
  transport: "websocket" | "http";
  /** Whether the home account's usage headers climb towards the limit first, or it stops without warning. */
  warning: boolean;
}

const ONLY = process.env.CAO_TUI_CASE;
const CASES: Case[] = (
  [
    { name: "bash-ws-warn", via: "bash", transport: "websocket", warning: true },
    { name: "bash-http-sudden", via: "bash", transport: "http", warning: false },
    { name: "zsh-ws-sudden", via: "zsh", transport: "websocket", warning: false },
    { name: "zsh-http-warn", via: "zsh", transport: "http", warning: true },
    { name: "shim-ws-sudden", via: "shim", transport: "websocket", warning: false },
    { name: "shim-http-warn", via: "shim", transport: "http", warning: true },
  ] as Case[]
).filter((c) => !ONLY || c.name === ONLY);

/** Turns the home account serves before it runs out. */
const HOME_TURNS = 2;

const tmux = tmuxServer();
const backends: Record<Case["transport"], FakeBackend | undefined> = {
  websocket: undefined,
  http: undefined,
};

before(async () => {
  for (const transport of ["websocket", "http"] as const) {
    const accounts: FakeAccountSpec[] = CASES.filter((c) => c.transport === transport).flatMap((c) => [
      {
        accountId: `${c.name}-a`,
        email: `a-${c.name}@example.com`,
        quota: HOME_TURNS,
        ...(c.warning
          ? { usedPercent: 10, percentPerRequest: 45 }
          : { usedPercent: 0, percentPerRequest: 0 }),
      },
      { accountId: `${c.name}-b`, email: `b-${c.name}@example.com` },
    ]);
    backends[transport] = await startFakeBackend({
      https: true,
      websocket: transport === "websocket",
      accounts,
      reply: (input) => ({ kind: "text", text: `reply-${input.userText} by ${input.accountId.slice(-1)}` }),
    });
  }
});
after(async () => {
  for (const backend of Object.values(backends)) await backend?.close();
});

async function startGateway(world: TuiWorld, backend: FakeBackend): Promise<void> {
  const enable = await world.cao(["gateway", "enable", "--shims-dir", path.join(world.root, "shims")]);
  assert.equal(enable.code, 0, enable.stderr);
  // Registry order: the home (default) account serves first, whatever the others' headroom.
  const listed = await world.cao(["config", "set", "routing.strategy", "listed"]);
  assert.equal(listed.code, 0, listed.stderr);
  await startDetachedGateway(world, backend);
}

for (const c of CASES) {
  test(`TUI via ${c.via}, ${c.transport}, home account runs out ${c.warning ? "after warnings" : "without warning"}: later turns answered by the next account, nothing shown (codex ${codexVersion})`, async () => {
    const backend = backends[c.transport];
    assert.ok(backend);
    const world = tuiWorld(tmux, backend, [
      { name: "a", accountId: `${c.name}-a` },
      { name: "b", accountId: `${c.name}-b` },
    ]);
    await startGateway(world, backend);
    try {
      const env =
        c.via === "shim"
          ? { ...world.paneEnv, PATH: `${path.join(world.root, "shims")}:${world.paneEnv.PATH}` }
          : world.paneEnv;
      const shell = c.via === "zsh" ? SHELLS.zsh : SHELLS.bash;
      const tui = await tmux.start({ argv: [...shell.argv], env, cwd: world.cwd });
      if (c.via !== "shim") await tui.line(shell.init);
      await tui.line("codex");
      const first = await tui.waitFor((s) => READY.test(s) && footerModel(s) !== "", {
        describe: "the codex composer and footer",
        timeoutMs: 30_000,
      });
      const model = footerModel(first);
      let screen = first;
      for (let i = 1; i <= HOME_TURNS + 2; i++) {
        screen = await turn(tui, `t${i}`, new RegExp(`reply-t${i} by [ab]`));
        if (i === HOME_TURNS && !c.warning) backend.setAccount(`${c.name}-a`, { quota: 0 });
        const trouble = seenOnScreen(screen);
        assert.equal(trouble, null, `turn ${i}: ${trouble?.[0]}\n${screen}`);
      }
      assert.match(screen, /reply-t1 by a/, screen);
      assert.match(screen, new RegExp(`reply-t${HOME_TURNS + 2} by b`), screen);
      assert.equal(footerModel(screen), model, `footer model before/after\n${screen}`);
      const turns = backend.requests
        .filter((r) => r.path.endsWith("/responses") && r.method !== "GET" && !r.prewarm)
        .filter((r) => r.accountId?.startsWith(`${c.name}-`))
        .map((r) => `${r.accountId?.slice(-1)}:${r.status}:${r.transport}`);
      assert.equal(turns[0], `a:200:${c.transport}`, `the home account served first: ${turns.join(" ")}`);
      // After warnings the gateway may move before the limit; a sudden limit is a 429 it must absorb
      // (unless its own usage poll saw the limit first).
      if (!c.warning)
        assert.ok(
          turns.includes(`a:429:${c.transport}`) ||
            turns.filter((t) => t.startsWith("a:200")).length === HOME_TURNS,
          `the home account ran out: ${turns.join(" ")}`,
        );
      assert.equal(turns.at(-1), `b:200:${c.transport}`, turns.join(" "));
      await tui.quit();
    } finally {
      await world.cao(["gateway", "stop"]);
    }
  });
}
