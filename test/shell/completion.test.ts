import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { run, runShell, shellWorld, typeInTmux } from "./world.js";

async function completionWorld(shell: string) {
  const world = shellWorld({ accounts: ["work", "side.project"], defaultAccount: "work" });
  fs.mkdirSync(path.join(world.data, "not-an-account")); // no config.toml or auth.json
  const result = await run("cao", ["completion", shell], { env: world.env });
  assert.equal(result.code, 0, result.stderr);
  const file = path.join(world.root, `completion.${shell}`);
  fs.writeFileSync(file, result.stdout);
  return { world, file };
}

test("bash: completes subcommands, nested subcommands, flags and account names", async () => {
  const { world, file } = await completionWorld("bash");
  const complete = async (...words: string[]) => {
    const script = `. "$F"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; __cao_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = await runShell("bash", script, { ...world.env, F: file });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.split("\n").filter(Boolean).sort();
  };
  assert.deepEqual(await complete("cao", "us"), ["usage", "use"]);
  assert.deepEqual(await complete("cao", "use", ""), [
    "--help",
    "--json",
    "--shell",
    "--unset",
    "side.project",
    "work",
  ]);
  assert.deepEqual(await complete("cao", "use", "--shell", "w"), ["work"]);
  assert.deepEqual(await complete("cao", "gateway", "st"), ["start", "status", "stop"]);
  assert.ok((await complete("cao", "gateway", "start", "--")).includes("--port"));
  assert.deepEqual(await complete("cao", "init", "f"), ["fish"]);
  assert.deepEqual(await complete("cao", "run", "--account", ""), ["side.project", "work"]);
  assert.deepEqual(await complete("cao", "run", "--", "ex"), [], "words after -- belong to codex");
});

test("fish: complete -C offers the same", async () => {
  const { world, file } = await completionWorld("fish");
  const complete = async (line: string) => {
    const result = await runShell("fish", `source "$F"; complete -C "${line}"`, { ...world.env, F: file });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("\t")[0])
      .sort();
  };
  assert.deepEqual(await complete("cao us"), ["usage", "use"]);
  assert.deepEqual(await complete("cao use w"), ["work"]);
  assert.deepEqual(await complete("cao gateway st"), ["start", "status", "stop"]);
  assert.deepEqual(await complete("cao run --account "), ["side.project", "work"]);
});

test("zsh: registers _cao with compinit and lists the same words and accounts", async () => {
  const { world, file } = await completionWorld("zsh");
  const script = `autoload -Uz compinit; compinit -u -D; . "$F"; print -r -- "\${_comps[cao]}"; __cao_complete_spec 'use'; print -r -- "$__cao_words $__cao_accounts"; __cao_candidates=(); __cao_complete_accounts; print -r -- \${(o)__cao_candidates}`;
  const result = await runShell("zsh", script, { ...world.env, F: file });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "_cao\n--shell --unset --json --help 1\nside.project work\n");
  // Without compinit the script loads quietly and registers nothing.
  const bare = await runShell("zsh", `. "$F"`, { ...world.env, F: file });
  assert.deepEqual([bare.code, bare.stdout, bare.stderr], [0, "", ""]);
});

/** The account names each real shell's completion offers for `cao use `. */
async function completedAccounts(shell: "bash" | "zsh" | "fish", env: NodeJS.ProcessEnv, file: string) {
  const script = {
    bash: `. "$F"; COMP_WORDS=(cao use ''); COMP_CWORD=2; __cao_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
    zsh: `__cao_candidates=(); . "$F"; __cao_complete_accounts; print -rl -- $__cao_candidates`,
    fish: `source "$F"; complete -C "cao use "`,
  }[shell];
  const result = await runShell(shell, script, { ...env, F: file });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout
    .split("\n")
    .map((line) => line.split("\t")[0]!)
    .filter((word) => word && !word.startsWith("-"))
    .sort();
}

for (const shell of ["bash", "zsh", "fish"] as const) {
  test(`${shell}: completes the registry's accounts only, also after \`cao remove --keep-files\``, async () => {
    const { world, file } = await completionWorld(shell);
    // The stray directory looks like an account (a config.toml) but is not registered.
    fs.writeFileSync(path.join(world.data, "not-an-account", "config.toml"), "");
    assert.deepEqual(await completedAccounts(shell, world.env, file), ["side.project", "work"]);
    const removed = await run("cao", ["remove", "side.project", "--keep-files"], { env: world.env });
    assert.equal(removed.code, 0, removed.stderr);
    assert.ok(fs.existsSync(path.join(world.data, "side.project", "config.toml")), "files kept");
    assert.deepEqual(await completedAccounts(shell, world.env, file), ["work"]);
  });
}

test("a data dir without .state/accounts (older cao, the original project) gets it from `cao completion`", async () => {
  const { world, file } = await completionWorld("bash");
  fs.rmSync(path.join(world.data, ".state", "accounts"));
  assert.deepEqual(await completedAccounts("bash", world.env, file), []);
  const result = await run("cao", ["completion", "bash"], { env: world.env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await completedAccounts("bash", world.env, file), ["side.project", "work"]);
});

test("cao completion rejects an unknown shell (exit 2)", async () => {
  const world = shellWorld();
  const result = await run("cao", ["completion", "cmd.exe"], { env: world.env });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown shell "cmd\.exe"/);
});

/** Types into a real interactive shell in tmux and returns the screen once `done` matches it. */
test("zsh: Tab in a real interactive zsh (tmux) completes commands and account names", async () => {
  const { world, file } = await completionWorld("zsh");
  const env = { ...world.env, F: file, ZDOTDIR: world.home, TERM: "xterm" };
  await typeInTmux(
    env,
    path.join(world.root, "tmux.sock"),
    ["zsh", "-f", "-i"],
    [
      { keys: ["autoload -Uz compinit; compinit -u -D; . $F; echo READY", "Enter"], done: /^READY$/m },
      { keys: ["cao use", "Tab"], done: /cao use$/m }, // "cao us" is ambiguous since `cao usage`
      { keys: ["--shell w", "Tab"], done: /cao use --shell work$/m },
    ],
  );
});

test("bash: Tab in a real interactive bash (tmux) completes commands and account names", async () => {
  const { world, file } = await completionWorld("bash");
  // No history file: bash would write one into HOME on its way out, racing the cleanup.
  const env = { ...world.env, F: file, TERM: "xterm", HISTFILE: "" };
  await typeInTmux(
    env,
    path.join(world.root, "tmux.sock"),
    ["bash", "--norc", "--noprofile", "-i"],
    [
      { keys: [". $F; echo READY", "Enter"], done: /^READY$/m },
      { keys: ["cao gateway sta", "Tab", "Tab"], done: /start\s+status/ },
      { keys: ["C-u", "cao pin side", "Tab"], done: /cao pin side\.project$/m },
    ],
  );
});
