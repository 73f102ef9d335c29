import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { codexVersion } from "../helpers/cli.js";
import { tmuxServer } from "../helpers/tui.js";
import { footerModel, READY, SHELLS, startTuiBackend, tuiWorld, turn } from "./tui-world.js";

// The interactive `codex resume --last` and `codex resume` picker through the codex function, with
// sessions made on two accounts: Codex alone lists only the signed-in account's sessions; through
// cao the latest of the pool is resumed, and the picker lists every account's, with the account.
const tmux = tmuxServer();
let backend: FakeBackend;

before(async () => {
  backend = await startTuiBackend([
    { accountId: "resume-a", email: "a@example.com" },
    { accountId: "resume-b", email: "b@example.com" },
  ]);
});
after(() => backend.close());

const ready = (screen: string) => READY.test(screen) && footerModel(screen) !== "";

test(`TUI: codex resume --last and the picker through the bash function reach the session made on the other account (codex ${codexVersion})`, async () => {
  const world = tuiWorld(tmux, backend, [
    { name: "a", accountId: "resume-a" },
    { name: "b", accountId: "resume-b" },
  ]);
  assert.equal((await world.cao(["use", "b"])).code, 0);
  const tui = await tmux.start({ argv: [...SHELLS.bash.argv], env: world.paneEnv, cwd: world.cwd });
  await tui.line(SHELLS.bash.init);

  // A session made on a, in this directory.
  await tui.line("CAO_ACCOUNT=a codex");
  await tui.waitFor(ready, { describe: "a's TUI", timeoutMs: 30_000 });
  await turn(tui, "papaya", /reply-papaya by a/);
  await tui.quit();

  // resume --last on the default account b continues it.
  await tui.line("codex resume --last");
  await tui.waitFor((s) => ready(s) && /reply-papaya by a/.test(s), {
    describe: "b's TUI resuming a's session",
    timeoutMs: 30_000,
  });
  await turn(tui, "mango", /reply-mango by b/);
  await tui.quit();
  const sessions = () =>
    fs
      .readdirSync(path.join(world.codexHome, "sessions"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".jsonl"));
  assert.equal(sessions().length, 1, `resumed, no new session: ${sessions().join(", ")}`);

  // And back: a resumes it after b served it (b's daemon, which holds it now, is stopped first).
  await tui.line("CAO_ACCOUNT=a codex resume --last");
  await tui.waitFor((s) => ready(s) && /reply-mango by b/.test(s), {
    describe: "a's TUI resuming the session b served",
    timeoutMs: 30_000,
  });
  await turn(tui, "guava", /reply-guava by a/);
  await tui.quit();
  assert.equal(sessions().length, 1, `handed back, no new session: ${sessions().join(", ")}`);

  // A newer session on b; the picker lists both, newest first, with the account each was made on.
  await tui.line("codex");
  await tui.waitFor(ready, { describe: "b's new TUI", timeoutMs: 30_000 });
  await turn(tui, "kiwi", /reply-kiwi by b/);
  await tui.quit();
  await tui.line("codex resume");
  const picker = await tui.waitFor(/Resume which session[\s\S]*papaya/, { describe: "cao's picker" });
  const rows = picker.split("\n").filter((l) => /ago/.test(l));
  assert.match(rows[0] ?? "", /\bb\s+kiwi/, picker);
  assert.match(rows[1] ?? "", /\ba\s+papaya/, picker);
  await tui.keys("Down");
  await tui.keys("Enter");
  const resumed = await tui.waitFor((s) => ready(s) && /reply-mango by b/.test(s), {
    describe: "the picked session (made on a) in the TUI",
    timeoutMs: 30_000,
  });
  assert.match(resumed, /reply-papaya by a/);
  await tui.quit();
  assert.equal(sessions().length, 2, sessions().join(", "));

  // Esc in the picker starts nothing: one line, exit 130, the shell's prompt back.
  await tui.line('codex resume; echo "exit=$?"');
  await tui.waitFor(/Resume which session/, { describe: "cao's picker again" });
  await tui.keys("Escape");
  const cancelled = await tui.waitFor(/exit=130/, { describe: "the picker cancelled" });
  assert.match(cancelled, /no session picked; codex was not started/);
  assert.equal(sessions().length, 2);
});
