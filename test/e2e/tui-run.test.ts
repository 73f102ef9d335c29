import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { readCodexDaemon } from "../../src/core/codex-daemon.js";
import type { FakeBackend } from "../../src/demo/fake-backend/types.js";
import { caoBin, codexVersion } from "../helpers/cli.js";
import { waitUntil } from "../helpers/deadline.js";
import { tmuxServer } from "../helpers/tui.js";
import { footerModel, READY, seenOnScreen, startTuiBackend, tuiWorld, turn } from "./tui-world.js";

// `cao run` interactive, no gateway: the account runs out in the TUI, the user quits, and the next
// account's TUI opens the same conversation (resumed by id) with the earlier turns on screen.
const tmux = tmuxServer();
let backend: FakeBackend;

before(async () => {
  backend = await startTuiBackend([
    { accountId: "run-a", email: "a@example.com", quota: 1 },
    { accountId: "run-b", email: "b@example.com" },
  ]);
});
after(() => backend.close());

test(`cao run: usage limit in the TUI, the user quits, the next account resumes the conversation (codex ${codexVersion})`, async () => {
  const world = tuiWorld(tmux, backend, [
    { name: "a", accountId: "run-a" },
    { name: "b", accountId: "run-b" },
  ]);
  const tui = await tmux.start({
    argv: [process.execPath, caoBin, "run"],
    env: world.paneEnv,
    cwd: world.cwd,
  });
  const ready = (s: string) => READY.test(s) && footerModel(s) !== "";
  await tui.waitFor(ready, { describe: "the first TUI", timeoutMs: 30_000 });
  await turn(tui, "one", /reply-one by a/);
  await tui.submit("two");
  await tui.waitFor((s) => seenOnScreen(s, /usage limit/i) !== null, {
    describe: "Codex's usage-limit message",
    timeoutMs: 30_000,
  });
  assert.ok(
    backend.requests.some((r) => r.accountId === "run-a" && r.status === 429),
    "a refused the second turn",
  );
  // The user quits; cao starts the next account's TUI on the same session.
  // One Ctrl-C quits the TUI (a second one would reach cao while it switches).
  await tui.keys("C-c");
  // cao records the move before it starts the next TUI (its own line may scroll away under it).
  await waitUntil(() => world.statuses().b?.lastSessionMove !== undefined, {
    describe: () => `cao continuing the session\n${JSON.stringify(world.statuses())}`,
    timeoutMs: 30_000,
  });
  const sessionId = world.statuses().b?.lastSessionMove?.sessionId ?? "";
  const resumed = await tui.waitFor((s) => ready(s) && /reply-one by a/.test(s), {
    describe: "the resumed TUI showing the earlier turn",
    timeoutMs: 30_000,
  });
  assert.match(resumed, /one/);
  const after3 = await turn(tui, "three", /reply-three by b/);
  // The earlier limit is part of the transcript; nothing new after the resumed turn.
  assert.equal(seenOnScreen(after3.slice(after3.indexOf("› three")), /usage limit/i), null, after3);
  // The turn b answered went into the session a started (its rollout file), not a new one.
  const rollouts = fs
    .readdirSync(path.join(world.codexHome, "sessions"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".jsonl"));
  const file = rollouts.find((f) => f.endsWith(`-${sessionId}.jsonl`));
  assert.ok(file, `rollout of ${sessionId} among ${rollouts.join(", ")}`);
  const transcript = fs.readFileSync(path.join(world.codexHome, "sessions", file), "utf8");
  assert.ok(transcript.includes("reply-one by a") && transcript.includes("reply-three by b"));
  await tui.quit();
  const move = world.statuses().b?.lastSessionMove;
  assert.equal(move?.sessionId, sessionId, JSON.stringify(world.statuses()));
  assert.deepEqual([move?.from, move?.to], ["a", "b"]);

  // b's TUI has quit, its app-server daemon stays: the doctor lists it, remove stops it first.
  const daemon = readCodexDaemon(path.join(world.dataDir, "b"));
  assert.equal(daemon?.alive, true, "b's daemon runs after its TUI quit");
  const doctor = await world.cao(["status", "--doctor"]);
  assert.match(
    doctor.stdout + doctor.stderr,
    new RegExp(`b.*Codex app-server daemon running \\(pid ${daemon?.pid}`),
  );
  const removed = await world.cao(["remove", "b", "--yes"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout + removed.stderr, /stopped b's Codex app-server daemon/);
  assert.throws(() => process.kill(Number(daemon?.pid), 0), "the daemon is gone");
});
