import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { lockHolderPid } from "../../src/core/thread-lock.js";
import { poolResumeArgs } from "../../src/run/pool-resume.js";
import { accountsByChatgptId, readPoolSession, rolloutsNewestFirst } from "../../src/run/pool-sessions.js";
import { mentionsResume, openResume } from "../../src/run/resume-args.js";
import { firstPrompt } from "../../src/run/session-picker.js";
import { authText } from "../helpers/auth-fixture.js";
import {
  caseWords,
  layOutResumeSessions,
  RESUME_ACCOUNT_IDS,
  RESUME_CALL_CASES,
  RESUME_SESSION_IDS,
} from "../helpers/resume-calls.js";
import { tempDir } from "../helpers/temp.js";

/** The table's world: two accounts signed in to the table's ChatGPT accounts, three rollouts. */
function resumeWorld() {
  const root = tempDir();
  const data = path.join(root, "data");
  for (const [name, accountId] of Object.entries(RESUME_ACCOUNT_IDS)) {
    fs.mkdirSync(path.join(data, name), { recursive: true });
    fs.writeFileSync(
      path.join(data, name, "auth.json"),
      authText({ email: `${name}@example.com`, accountId, refreshToken: `rt-${name}` }),
    );
  }
  fs.writeFileSync(
    path.join(data, "registry.json"),
    JSON.stringify({ default_account: "work", accounts: Object.keys(RESUME_ACCOUNT_IDS) }),
  );
  const world = { here: path.join(root, "here"), elsewhere: path.join(root, "elsewhere") };
  const sessionsDir = path.join(root, "sessions");
  layOutResumeSessions(sessionsDir, world);
  return { data, sessionsDir, world };
}

describe("resume calls (test/fixtures/resume-calls.json)", () => {
  const { data, sessionsDir, world } = resumeWorld();
  for (const testCase of RESUME_CALL_CASES) {
    test(testCase.name, async () => {
      const args = caseWords(testCase.args, world);
      assert.equal(mentionsResume(args), testCase.mentionsResume, `mentionsResume(${JSON.stringify(args)})`);
      // The cheap test never misses a call cao would rewrite.
      if (openResume(args)) assert.ok(mentionsResume(args), JSON.stringify(args));
      const got = await poolResumeArgs(args, {
        sessionsDir,
        cwd: world.here,
        terminal: false,
        dataDir: data,
      });
      assert.deepEqual(got, caseWords(testCase.expect ?? testCase.args, world), JSON.stringify(args));
    });
  }
});

test("each pool session names the cao account whose login made it", () => {
  const { data, sessionsDir } = resumeWorld();
  const accounts = accountsByChatgptId(data);
  const sessions = rolloutsNewestFirst(sessionsDir).map((rollout) => readPoolSession(rollout, accounts));
  assert.deepEqual(
    sessions.map((s) => [s?.id, s?.account, s?.source]),
    [
      [RESUME_SESSION_IDS.ELSEWHERE, "other", "cli"],
      [RESUME_SESSION_IDS.EXEC, "work", "exec"],
      [RESUME_SESSION_IDS.CLI, "other", "cli"],
    ],
  );
  assert.deepEqual(
    sessions.map((s) => firstPrompt(s?.file ?? "")),
    ["first prompt of cli in elsewhere", "first prompt of exec in here", "first prompt of cli in here"],
  );
});

test("a rollout whose first line is not a session_meta is no session", () => {
  const dir = tempDir();
  const file = path.join(dir, "rollout-x.jsonl");
  fs.writeFileSync(file, '{"type":"event_msg","payload":{}}\n');
  assert.equal(readPoolSession({ file, updatedMs: 0 }, new Map()), undefined);
  fs.writeFileSync(file, '{"type":"session_meta","payload":{"id":"abc"'); // still being written
  assert.equal(readPoolSession({ file, updatedMs: 0 }, new Map()), undefined);
});

test("a session resumed in another directory counts as that directory's (its latest turn's cwd)", async () => {
  const { data, sessionsDir, world } = resumeWorld();
  const cli = rolloutsNewestFirst(sessionsDir).find((r) => r.file.includes(RESUME_SESSION_IDS.CLI));
  assert.ok(cli);
  const turn = { type: "turn_context", payload: { cwd: world.elsewhere, model: "gpt-x" } };
  fs.appendFileSync(cli.file, `${JSON.stringify(turn)}\n`);
  const newest = Date.now() / 1000;
  fs.utimesSync(cli.file, newest, newest);
  const context = { sessionsDir, terminal: false, dataDir: data };
  assert.deepEqual(await poolResumeArgs(["resume", "--last"], { ...context, cwd: world.elsewhere }), [
    "resume",
    RESUME_SESSION_IDS.CLI,
  ]);
  // Left behind: the working directory's interactive session is gone, so Codex decides.
  assert.deepEqual(await poolResumeArgs(["resume", "--last"], { ...context, cwd: world.here }), [
    "resume",
    "--last",
  ]);
});

test("the writer lock's holder is read from a /proc/locks table, waiters skipped", () => {
  const table = [
    "1: POSIX  ADVISORY  WRITE 700 fe:00:11 0 EOF",
    "2: FLOCK  ADVISORY  WRITE 14756 fe:00:2207254 0 EOF",
    "2: -> FLOCK  ADVISORY  WRITE 999 fe:00:2207254 0 EOF",
  ].join("\n");
  assert.equal(lockHolderPid(table, 2207254), 14756);
  assert.equal(lockHolderPid(table, 11), 700);
  assert.equal(lockHolderPid(table, 5), undefined);
});
