import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { readCodexDaemon } from "../../src/core/codex-daemon.js";
import { startTicksOf } from "../helpers/daemon-pid-file.js";
import { tempDir } from "../helpers/temp.js";

function homeWithPidFile(record: unknown): string {
  const home = tempDir("cao-daemon-");
  fs.mkdirSync(path.join(home, "app-server-daemon"));
  fs.writeFileSync(path.join(home, "app-server-daemon", "daemon.pid"), JSON.stringify(record));
  return home;
}

test("a daemon pid file is alive only for the same process (pid and start time)", () => {
  const ticks = startTicksOf("self");
  const same = readCodexDaemon(homeWithPidFile({ pid: process.pid, processIdentity: { startTicks: ticks } }));
  assert.equal(same?.alive, true);
  const reused = readCodexDaemon(
    homeWithPidFile({ pid: process.pid, processIdentity: { startTicks: ticks + 1 } }),
  );
  assert.deepEqual([reused?.pid, reused?.alive], [process.pid, false], "a reused pid is a stale daemon");
  const gone = readCodexDaemon(homeWithPidFile({ pid: 2 ** 22 + 17 }));
  assert.equal(gone?.alive, false);
});

test("no pid file or a broken one: no daemon", () => {
  assert.equal(readCodexDaemon(tempDir("cao-daemon-")), undefined);
  assert.equal(readCodexDaemon(homeWithPidFile({ pid: "x" })), undefined);
  const torn = homeWithPidFile({});
  fs.writeFileSync(path.join(torn, "app-server-daemon", "daemon.pid"), '{"pid":12');
  assert.equal(readCodexDaemon(torn), undefined);
});
