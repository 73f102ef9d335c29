import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { codexEnv } from "../../src/core/codex-env.js";
import { ensureAccountHome } from "../../src/core/codex-home.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeBackend, FakeTurnInput } from "../../src/demo/fake-backend/types.js";
import { caoBin, codexBin, codexVersion, runProcess } from "../helpers/cli.js";
import { codexPathDir } from "../helpers/real-codex.js";
import { runWorld } from "./run-world.js";

/**
 * `codex exec resume --last` with the real codex, where the latest session was made on another
 * account: Codex alone lists only the signed-in account's sessions and starts a new one; through
 * cao (the bash and zsh functions, the PATH shim, `cao run`) the other account's session goes on.
 */
let backend: FakeBackend;
const turns: FakeTurnInput[] = [];

before(async () => {
  backend = await startFakeBackend({
    accounts: [
      { accountId: "last-a", email: "a@example.com" },
      { accountId: "last-b", email: "b@example.com" },
    ],
    reply: (turn) => {
      turns.push(turn);
      return { kind: "text", text: `noted: ${turn.userText}` };
    },
  });
});
after(() => backend.close());

/** Accounts a and b (b the default), homes as `cao add` makes them; a session made on a. */
async function worldWithSessionOnA() {
  const world = runWorld(
    backend,
    [
      { name: "a", accountId: "last-a" },
      { name: "b", accountId: "last-b" },
    ],
    "b",
  );
  fs.mkdirSync(path.join(world.dataDir, ".state"), { recursive: true });
  fs.writeFileSync(path.join(world.dataDir, ".state", "default"), "b\n");
  const previous = process.env.CAO_MAIN_CODEX_HOME;
  process.env.CAO_MAIN_CODEX_HOME = world.codexHome;
  try {
    for (const name of ["a", "b"]) ensureAccountHome(name, world.dataDir);
  } finally {
    if (previous === undefined) delete process.env.CAO_MAIN_CODEX_HOME;
    else process.env.CAO_MAIN_CODEX_HOME = previous;
  }
  const inHome = (name: string, args: string[]) =>
    runProcess(codexBin, args, {
      cwd: world.cwd,
      env: codexEnv(path.join(world.dataDir, name), world.env),
      timeoutMs: 90_000,
    });
  const first = await inHome("a", ["exec", "--skip-git-repo-check", "remember the word PAPAYA-7"]);
  assert.equal(first.code, 0, first.stderr);
  const sessionId = /session id: ([0-9a-f-]{36})/.exec(first.stdout + first.stderr)?.[1] ?? "";
  assert.ok(sessionId, first.stderr);
  const bin = path.join(path.dirname(world.cwd), "bin");
  fs.mkdirSync(bin);
  fs.chmodSync(caoBin, 0o755);
  fs.symlinkSync(caoBin, path.join(bin, "cao"));
  const env = { ...world.env, PATH: `${bin}:${codexPathDir()}:${process.env.PATH}` };
  return { world, sessionId, inHome, env };
}

const rollouts = (codexHome: string) =>
  fs
    .readdirSync(path.join(codexHome, "sessions"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".jsonl"));

test(`exec resume --last through the bash and zsh functions, the shim and cao run reaches the session made on the other account (codex ${codexVersion})`, async () => {
  const { world, sessionId, inHome, env } = await worldWithSessionOnA();
  const shims = path.join(path.dirname(world.cwd), "shims");
  const enabled = await runProcess(process.execPath, [caoBin, "gateway", "enable", "--shims-dir", shims], {
    env,
  });
  assert.equal(enabled.code, 0, enabled.stderr);
  // The shim runs codex directly while the gateway is not running (it says so on stderr).
  const noCaoPath: NodeJS.ProcessEnv = { ...env, PATH: env.PATH?.split(":").slice(1).join(":") };
  delete noCaoPath.CAO_CODEX_BIN;
  const resume = (prompt: string) => ["exec", "--skip-git-repo-check", "resume", "--last", prompt];
  const quoted = (prompt: string) =>
    resume(prompt)
      .map((w) => `'${w}'`)
      .join(" ");
  const routes: Array<[string, () => ReturnType<typeof runProcess>]> = [
    [
      "bash",
      () =>
        runProcess(
          "bash",
          ["--norc", "-c", `eval "$(cao init bash)"; codex ${quoted("via bash: which word?")}`],
          { env, cwd: world.cwd, timeoutMs: 90_000 },
        ),
    ],
    [
      "zsh",
      () =>
        runProcess("zsh", ["-f", "-c", `eval "$(cao init zsh)"; codex ${quoted("via zsh: which word?")}`], {
          env,
          cwd: world.cwd,
          timeoutMs: 90_000,
        }),
    ],
    [
      "the shim",
      () =>
        runProcess(path.join(shims, "codex"), resume("via the shim: which word?"), {
          env: { ...noCaoPath, PATH: `${shims}:${noCaoPath.PATH}` },
          cwd: world.cwd,
          timeoutMs: 90_000,
        }),
    ],
    [
      "cao run",
      () =>
        runProcess(process.execPath, [caoBin, "run", "--", ...resume("via cao run: which word?")], {
          env,
          cwd: world.cwd,
          timeoutMs: 90_000,
        }),
    ],
  ];
  for (const [route, run] of routes) {
    const since = turns.length;
    const result = await run();
    assert.equal(result.code, 0, `${route}: ${result.stdout}\n${result.stderr}`);
    const served = turns.slice(since).map((t) => `${t.accountId} ${t.sessionId} ${t.userText}`);
    assert.ok(
      served.some((t) => t.startsWith(`last-b ${sessionId} via ${route}`)),
      `${route}: b served a turn of the session made on a (${sessionId}): ${served.join(" | ")}`,
    );
    assert.deepEqual(rollouts(world.codexHome).length, 1, `${route}: resumed, no new session`);
  }
  const transcript = fs.readFileSync(
    path.join(world.codexHome, "sessions", rollouts(world.codexHome)[0] ?? ""),
    "utf8",
  );
  for (const route of ["bash", "zsh", "the shim", "cao run"])
    assert.match(transcript, new RegExp(`via ${route}: which word`));

  // Codex alone in b's home does not see a's session (docs/codex-notes.md, "CODEX_HOME"): a new one.
  const alone = await inHome("b", resume("without cao"));
  assert.equal(alone.code, 0, alone.stderr);
  const newId = /session id: ([0-9a-f-]{36})/.exec(alone.stdout + alone.stderr)?.[1];
  assert.ok(newId && newId !== sessionId, `codex alone started a new session: ${newId}`);
  assert.equal(rollouts(world.codexHome).length, 2);
});

/**
 * The filter cao copies (src/run/pool-resume.ts): Codex's own `--last` takes only sessions whose
 * latest turn ran in the working directory, `--all` any directory. One account here, so its creator
 * filter plays no part.
 */
test(`codex's own exec resume --last filters on the working directory, --all does not (codex ${codexVersion})`, async () => {
  const { world, sessionId } = await worldWithSessionOnA();
  const elsewhere = (dir: string, args: string[]) =>
    runProcess(codexBin, args, {
      cwd: dir,
      env: codexEnv(path.join(world.dataDir, "a"), world.env),
      timeoutMs: 90_000,
    });
  const other = path.join(path.dirname(world.cwd), "other");
  fs.mkdirSync(other);
  const sessionOf = (r: { stdout: string; stderr: string }) =>
    /session id: ([0-9a-f-]{36})/.exec(r.stdout + r.stderr)?.[1];
  const here = await elsewhere(other, ["exec", "--skip-git-repo-check", "resume", "--last", "this dir"]);
  assert.equal(here.code, 0, here.stderr);
  const made = sessionOf(here);
  assert.ok(made && made !== sessionId, "without --all: none made here, so a new session");
  const third = path.join(path.dirname(world.cwd), "third");
  fs.mkdirSync(third);
  const all = await elsewhere(third, [
    "exec",
    "--skip-git-repo-check",
    "resume",
    "--last",
    "--all",
    "any dir",
  ]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(sessionOf(all), made, "--all: the newest session, made in another directory");
  // A session resumed elsewhere moves there: now it is third's latest, and other has none.
  const moved = await elsewhere(third, ["exec", "--skip-git-repo-check", "resume", "--last", "moved here"]);
  assert.equal(sessionOf(moved), made, "the session resumed in third is third's now");
  const left = await elsewhere(other, ["exec", "--skip-git-repo-check", "resume", "--last", "left behind"]);
  assert.ok(![sessionId, made].includes(sessionOf(left) ?? sessionId), "other's only session moved away");
  assert.equal(rollouts(world.codexHome).length, 3);
});
