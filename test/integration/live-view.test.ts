import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, test } from "node:test";
import { updateSetting } from "../../src/core/settings.js";
import { caoBin, runCao } from "../helpers/cli.js";
import { eventually, gatewayWorld, type NamedAccount } from "../helpers/gateway.js";
import { tempWorld } from "../helpers/temp.js";

/**
 * The live view in a real terminal (tmux, 100x30), read back from the screen:
 * rows per account, the gateway's health, live sessions and moves; redrawn in
 * place when a state file changes; q and Ctrl-C exit 0 and restore the screen.
 */
const socket = `cao-pool-live-${process.pid}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
after(() => {
  try {
    tmux("kill-server");
  } catch {
    // already gone
  }
});
const screen = (name: string) => tmux("capture-pane", "-p", "-t", name);

async function waitForScreen(name: string, check: (text: string) => boolean, what: string): Promise<string> {
  let text = "";
  try {
    await eventually(() => {
      text = screen(name);
      return check(text);
    });
  } catch {
    assert.fail(`${what}; the screen was:\n${text}`);
  }
  return text;
}

const accounts: NamedAccount[] = [
  {
    name: "one",
    accountId: "lv-one",
    email: "one@example.com",
    usedPercent: 42,
    percentPerRequest: 0,
    secondaryUsedPercent: 10,
  },
  { name: "two", accountId: "lv-two", email: "two@example.com", usedPercent: 5, percentPerRequest: 0 },
];

for (const quit of ["q", "C-c"] as const) {
  test(`cao top (quit with ${quit}): account rows, gateway, sessions and moves, redrawn in place; the screen comes back`, async () => {
    const w = await gatewayWorld(accounts);
    await w.gateway.context.usage.checkAll();
    updateSetting("accounts.one.paused", true, w.dir);
    // A session on one... which the pause moves to two at its next request.
    w.gateway.context.router.pick("live-1");
    assert.equal((await w.post("two", { session: "live-1" })).status, 200);
    await eventually(() => w.logs.some((l) => l.includes("live-1")));
    const env = Object.entries({ ...w.world.env, TERM: "xterm-256color" })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(" ");
    const name = `top-${quit === "q" ? "q" : "c"}`;
    tmux(
      "new-session",
      "-d",
      "-s",
      name,
      "-x",
      "100",
      "-y",
      "30",
      `echo before-the-live-view; env ${env} ${process.execPath} ${caoBin} top; echo "exit=$?"; sleep 60`,
    );
    // The gateway writes its status files a moment after the answers: the view follows them.
    const first = await waitForScreen(
      name,
      (t) => /42%/.test(t) && /live-1/.test(t),
      "a frame with the usage",
    );
    assert.match(first, /^cao top · \d\d:\d\d:\d\d · 1\/2 accounts usable · pool headroom \d+%/m);
    assert.match(first, /gateway up \(pid \d+\) http:\/\/127\.0\.0\.1:\d+\/v1 · new sessions → two/);
    assert.match(first, /\s+one\s+logged-in\s+████░░░░░░\s+42% ↻\S+.*paused/);
    assert.match(first, /▸ two\s+logged-in\s+█?░+\s+5% /);
    assert.doesNotMatch(first, /before-the-live-view/, "on the alternate screen");
    await waitForScreen(name, (t) => /live-1\s+gateway on two/.test(t), "the live session");

    // A change in a state file shows in the next frame, in place (one header, at the top).
    updateSetting("accounts.one.paused", false, w.dir);
    updateSetting("accounts.two.reserve-weekly", 30, w.dir);
    const later = await waitForScreen(name, (t) => /wk cap 70%/.test(t), "the new reserve");
    assert.match(later, /^cao top · .* 2\/2 accounts usable/);
    assert.equal(later.match(/cao top ·/g)?.length, 1, "drawn over, not scrolled");
    assert.doesNotMatch(later, /\s+one\s+logged-in.*paused/);

    tmux("send-keys", "-t", name, quit);
    const done = await waitForScreen(name, (t) => /exit=/.test(t), "the exit");
    assert.match(done, /exit=0/);
    assert.match(done, /before-the-live-view/, "the screen from before is back");
    assert.doesNotMatch(done, /cao top ·/);
  });
}

test("the live view refuses to run without a terminal (exit 2), pointing at the script-friendly views", async () => {
  const r = await runCao(["status", "--watch"], { env: tempWorld().env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /the live view needs a terminal/);
});
