import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import {
  addAccount,
  REAL_SHELLS,
  type RealShell,
  run,
  runShell,
  shellWorld,
  sourceInit,
  typeInTmux,
  writeInit,
} from "./world.js";

const FUTURE = Math.floor(Date.now() / 1000) + 3600;

function worldWithUsage(line = `42 ${FUTURE} 7 -`) {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  fs.mkdirSync(path.join(world.data, ".state", "usage"), { recursive: true });
  fs.writeFileSync(path.join(world.data, ".state", "usage", "work"), `${line}\n`);
  fs.writeFileSync(path.join(world.data, ".state", "pool"), `63 ${FUTURE}\n`);
  return world;
}

/** What runs before each prompt, as the shell itself would run it. */
const PROMPT_CYCLE: Record<RealShell, string> = {
  bash: "__cao_prompt_command",
  zsh: "for f in $precmd_functions; do $f; done",
  fish: "emit fish_prompt; fish_right_prompt >/dev/null",
};

/** Process-creating syscalls between two marker stats in an strace -f log (threads are not processes). */
function processesBetween(log: string, start: string, end: string): string[] {
  const lines = log.split("\n");
  const from = lines.findIndex((l) => l.includes(start));
  const to = lines.findIndex((l) => l.includes(end));
  assert.ok(from !== -1 && to > from, "both markers are in the trace");
  return lines
    .slice(from + 1, to)
    .filter((l) => /\b(execve|fork|vfork|clone3?)\(/.test(l) && !l.includes("CLONE_THREAD"));
}

async function traced(shell: RealShell, world: ReturnType<typeof shellWorld>, init: string, body: string) {
  const log = path.join(world.root, `strace-${shell}.log`);
  const start = path.join(world.root, "marker-start");
  const end = path.join(world.root, "marker-end");
  const script = `${sourceInit(shell)}; test -e "$M1"; ${body}; test -e "$M2"; echo "CAO_PROMPT=$CAO_PROMPT"; echo "CAO_PROMPT_POOL=$CAO_PROMPT_POOL"`;
  const argv = {
    bash: ["bash", "--norc", "-c"],
    zsh: ["zsh", "-f", "-c"],
    fish: ["fish", "--no-config", "-c"],
  }[shell];
  const result = await run("strace", ["-f", "-e", "trace=%process,%file", "-o", log, ...argv, script], {
    env: { ...world.env, INIT: init, M1: start, M2: end },
  });
  assert.equal(result.code, 0, result.stderr);
  return { spawned: processesBetween(fs.readFileSync(log, "utf8"), start, end), stdout: result.stdout };
}

for (const shell of REAL_SHELLS) {
  describe(`${shell}: prompt segment`, () => {
    test("five prompts start zero processes (strace), and show the account, its 5-hour usage and the pool", async () => {
      const world = worldWithUsage();
      const init = await writeInit(world, shell, ["--prompt"]);
      const cycle = Array(5).fill(PROMPT_CYCLE[shell]).join("; ");
      const { spawned, stdout } = await traced(shell, world, init, cycle);
      assert.deepEqual(spawned, []);
      assert.equal(stdout, "CAO_PROMPT=work 42%\nCAO_PROMPT_POOL=pool 63%\n");
    });

    test("the codex wrapper starts exactly one process: codex", async () => {
      const world = worldWithUsage();
      const init = await writeInit(world, shell);
      // With arguments, none of them the word `resume`: the resume test (builtins) forks nothing.
      const { spawned } = await traced(shell, world, init, "codex exec 'resume the work' --json >/dev/null");
      const execs = spawned.filter((l) => l.includes("execve("));
      assert.equal(execs.length, 1, spawned.join("\n"));
      assert.match(execs[0]!, /fake-codex|\/codex"/);
    });

    test("agrees with `cao prompt`, and drops a usage whose window has reset", async () => {
      const world = worldWithUsage();
      const init = await writeInit(world, shell, ["--prompt-hook"]);
      const node = await run("cao", ["prompt"], { env: world.env });
      const script = `${sourceInit(shell)}; ${PROMPT_CYCLE[shell]}; echo "$CAO_PROMPT"`;
      const inShell = await runShell(shell, script, { ...world.env, INIT: init });
      assert.equal(inShell.stdout, node.stdout);
      assert.equal(node.stdout, "work 42%\n");
      if (shell === "fish") return; // fish has no clock builtin: documented, usage shows as last known
      fs.writeFileSync(path.join(world.data, ".state", "usage", "work"), "99 1000 7 -\n");
      const reset = await runShell(shell, script, { ...world.env, INIT: init });
      assert.equal(reset.stdout, "work\n");
      assert.equal((await run("cao", ["prompt"], { env: world.env })).stdout, "work\n");
    });
  });
}

test("bash: PROMPT_COMMAND in string and array form gets the hook once, and $? still reaches the rest", async () => {
  const world = worldWithUsage();
  const init = await writeInit(world, "bash", ["--prompt"]);
  for (const form of [`PROMPT_COMMAND='echo "pc:$?"'`, `PROMPT_COMMAND=('echo "pc:$?"')`]) {
    // An interactive bash reading commands from a pipe runs PROMPT_COMMAND
    // before each prompt and writes the prompt to stderr.
    const input = `${form}\nPS1='$ '\n. "$INIT"\n. "$INIT"\n(exit 3)\necho "pcs:\${PROMPT_COMMAND[*]}"\nexit\n`;
    const result = await run(
      "bash",
      ["--norc", "--noprofile", "-i", "-c", `exec bash --norc --noprofile -i < "$IN"`],
      {
        env: { ...world.env, INIT: init, IN: writeInput(world.root, input) },
      },
    );
    assert.match(result.stdout, /pc:3\n/, `${form}: $? reaches the user's hook`);
    const pcs = result.stdout.split("\n").find((l) => l.startsWith("pcs:")) ?? "";
    assert.equal(pcs.split("__cao_prompt_command").length - 1, 1, `${form}: added once (${pcs})`);
    assert.match(result.stderr, /\(work 42%\) \$ /, `${form}: PS1 shows the segment`);
  }
});

function writeInput(dir: string, text: string): string {
  const file = path.join(dir, `input-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, text);
  return file;
}

test("zsh: RPROMPT shows the segment once, in front of the user's own", async () => {
  const world = worldWithUsage();
  const init = await writeInit(world, "zsh", ["--prompt"]);
  const script = `RPROMPT='%T'; . "$INIT"; . "$INIT"; ${PROMPT_CYCLE.zsh}; ${PROMPT_CYCLE.zsh}; print -r -- "$RPROMPT"; print -r -- "\${(j: :)precmd_functions}"`;
  const result = await runShell("zsh", script, { ...world.env, INIT: init });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "%F{cyan}work 42%%%f %T\n__cao_prompt_update __cao_rprompt\n");
});

test("fish: the right prompt is wrapped once and the user's own still sees $status", async () => {
  const world = worldWithUsage();
  const init = await writeInit(world, "fish", ["--prompt"]);
  const script = `function fish_right_prompt; echo -n "user:$status"; end; source "$INIT"; source "$INIT"; emit fish_prompt; false; fish_right_prompt`;
  const result = await runShell("fish", script, { ...world.env, INIT: init });
  assert.equal(result.code, 0, result.stderr);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: set_color's escape codes
  assert.equal(result.stdout.replace(/\u001b\[[0-9;]*m|\u001b\(B/g, ""), "work 42% user:1");
});

test("cao prompt --starship prints an env_var snippet (no command module, no Node per prompt)", async () => {
  const world = shellWorld();
  const result = await run("cao", ["prompt", "--starship"], { env: world.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\[env_var\.CAO_PROMPT\]$/m);
  assert.doesNotMatch(result.stdout, /^\[custom/m);
});

test("state files without a final newline work, also in a shell running with errexit", async () => {
  const world = shellWorld({ accounts: ["work", "pool"], defaultAccount: "work" });
  const state = path.join(world.data, ".state");
  fs.mkdirSync(path.join(state, "usage"), { recursive: true });
  fs.writeFileSync(path.join(state, "usage", "work"), `42 ${FUTURE} - -`);
  fs.writeFileSync(path.join(state, "gateway-enabled"), "");
  fs.writeFileSync(path.join(state, "gateway"), `${process.pid} http://127.0.0.1:9/v1 pool`);
  for (const shell of REAL_SHELLS) {
    const init = await writeInit(world, shell, ["--prompt-hook"]);
    const script = `${sourceInit(shell)}; ${PROMPT_CYCLE[shell]}; echo "P=$CAO_PROMPT"; codex`;
    const result = await runShell(shell, script, { ...world.env, INIT: init });
    assert.equal(result.code, 0, `${shell}: ${result.stderr}`);
    assert.match(result.stdout, /^P=work 42%\n/);
    assert.match(result.stdout, /CODEX_HOME=.*\/pool\n/);
  }
});

test("a real interactive prompt (tmux) shows the segment and follows `cao use --shell`", async () => {
  const world = worldWithUsage();
  addAccount(world, "side");
  const shells: Record<RealShell, string[]> = {
    bash: ["bash", "--norc", "--noprofile", "-i"],
    zsh: ["zsh", "-f", "-i"],
    fish: ["fish", "--no-config", "-i"],
  };
  for (const shell of REAL_SHELLS) {
    const init = await writeInit(world, shell, ["--prompt"]);
    const env = { ...world.env, INIT: init, TERM: "xterm", HISTFILE: "", fish_history: "" };
    await typeInTmux(env, path.join(world.root, `tmux-${shell}.sock`), shells[shell], [
      { keys: [`${sourceInit(shell)}; echo READY`, "Enter"], done: /^READY$/m },
      { keys: ["Enter"], done: /work 42%/ },
      { keys: ["cao use --shell side", "Enter"], done: /this shell now uses side[\s\S]*side/ },
    ]);
  }
});
