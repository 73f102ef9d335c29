import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { quote } from "../../src/shell/shells.js";
import { caoBin } from "../helpers/cli.js";
import {
  addAccount,
  fakeCodex,
  parseReport,
  REAL_SHELLS,
  run,
  runShell,
  setDefault,
  shellWorld,
  sourceInit,
  writeInit,
} from "./world.js";

/** Arguments that break naive quoting: spaces, quotes, $, globs, an empty word, a codex flag. */
const TRICKY_ARGS = [
  "exec",
  "two words",
  "$HOME",
  `"double"`,
  "it's",
  "",
  "--help",
  "*",
  "back\\slash",
  "-c",
];

function argRefs(count: number): string {
  return Array.from({ length: count }, (_, i) => `"$A${i}"`).join(" ");
}

function argEnv(args: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(args.map((a, i) => [`A${i}`, a]));
}

/** A pid that is certainly not running: a child that has exited and been reaped. */
function deadPid(): number {
  const child = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(child.stdout.trim());
}

for (const shell of REAL_SHELLS) {
  describe(`${shell}: the codex function`, () => {
    test("runs the real codex in the default account's home with every argument untouched", async () => {
      const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const env = {
        ...world.env,
        INIT: init,
        CODEX_API_KEY: "sk-must-not-reach-codex",
        ...argEnv(TRICKY_ARGS),
      };
      const result = await runShell(shell, `${sourceInit(shell)}; codex ${argRefs(TRICKY_ARGS.length)}`, env);
      assert.equal(result.code, 0, result.stderr);
      const report = parseReport(result.stdout);
      assert.equal(report.values.CODEX_HOME, path.join(world.data, "work"));
      assert.equal(report.values.CODEX_SQLITE_HOME, world.codexHome);
      assert.equal(report.values.CODEX_API_KEY, "unset");
      assert.deepEqual(report.args, TRICKY_ARGS);
      assert.equal(result.stderr, "");
    });

    test("keeps codex's exit status, and the shell's CODEX_API_KEY afterwards", async () => {
      const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const env = { ...world.env, INIT: init, CODEX_API_KEY: "sk-kept", FAKE_CODEX_EXIT: "7" };
      const after = shell === "fish" ? "set -l s $status" : "s=$?";
      const echo =
        shell === "fish" ? 'echo "status=$s key=$CODEX_API_KEY"' : 'echo "status=$s key=$CODEX_API_KEY"';
      const result = await runShell(
        shell,
        `${sourceInit(shell)}; codex >/dev/null || ${after}; ${echo}`,
        env,
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), "status=7 key=sk-kept");
    });

    test("leaves no variable, function or option changed in the shell", async () => {
      const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const dump = {
        bash: (f: string) => `{ set; set -o; shopt -p; } >"$T/${f}"`,
        zsh: (f: string) => `{ set; setopt; functions; } >"$T/${f}"`,
        fish: (f: string) => `begin; set; functions -a; end >"$T/${f}"`,
      }[shell];
      const script = `${sourceInit(shell)}; ${dump("before")}; codex a b >/dev/null; ${dump("after")}`;
      const result = await runShell(shell, script, { ...world.env, INIT: init, T: world.root });
      assert.equal(result.code, 0, result.stderr);
      const read = (f: string) => volatileFree(fs.readFileSync(path.join(world.root, f), "utf8"));
      assert.deepEqual(read("after"), read("before"));
    });

    test("per-shell choice > directory pin > default, with cao use --shell and cao pin", async () => {
      const world = shellWorld({ accounts: ["work", "pinned", "mine"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const project = path.join(world.root, "project");
      const sub = path.join(project, "deep", "er");
      fs.mkdirSync(sub, { recursive: true });
      const pin = await run("cao", ["pin", "pinned"], { env: world.env, cwd: project });
      assert.equal(pin.code, 0, pin.stderr);
      assert.equal(fs.readFileSync(path.join(project, ".cao-account"), "utf8"), "pinned\n");
      const script = [
        sourceInit(shell),
        'cd "$SUB"',
        "codex",
        "cao use --shell mine",
        "codex",
        "cao use --shell --unset",
        "codex",
        'cd "$HOME"',
        "codex",
      ].join("; ");
      const result = await runShell(shell, script, { ...world.env, INIT: init, SUB: sub });
      assert.equal(result.code, 0, result.stderr);
      const homes = result.stdout
        .split("\n")
        .filter((l) => l.startsWith("CODEX_HOME="))
        .map((l) => path.basename(l));
      assert.deepEqual(homes, ["pinned", "mine", "pinned", "work"]);
    });

    test("an account that no longer exists: one line, exit 2, shell still usable", async () => {
      const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const after = shell === "fish" ? "echo status=$status" : "echo status=$?";
      const gone = await runShell(shell, `${sourceInit(shell)}; codex || ${after}; echo alive`, {
        ...world.env,
        INIT: init,
        CAO_ACCOUNT: "ghost",
      });
      assert.equal(gone.code, 0, gone.stderr);
      assert.equal(gone.stdout, "status=2\nalive\n");
      assert.equal(gone.stderr, 'cao: account "ghost" (from shell) does not exist; see `cao list`\n');
    });

    test("no account at all: one line, exit 1", async () => {
      const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const after = shell === "fish" ? "echo status=$status" : "echo status=$?";
      fs.rmSync(path.join(world.data, ".state", "default"));
      fs.rmSync(path.join(world.data, "registry.json"));
      const none = await runShell(shell, `${sourceInit(shell)}; codex || ${after}`, {
        ...world.env,
        INIT: init,
      });
      assert.equal(none.stdout, "status=1\n");
      assert.match(none.stderr, /^cao: no account selected: `cao use NAME` sets the default.*\n$/);
    });

    test("a data dir without .state/default (the original project's) asks cao once", async () => {
      const world = shellWorld({ accounts: ["legacy"], defaultAccount: "legacy" });
      fs.rmSync(path.join(world.data, ".state"), { recursive: true });
      const init = await writeInit(world, shell);
      const result = await runShell(shell, `${sourceInit(shell)}; codex`, { ...world.env, INIT: init });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(parseReport(result.stdout).values.CODEX_HOME, path.join(world.data, "legacy"));
      assert.equal(fs.readFileSync(path.join(world.data, ".state", "default"), "utf8"), "legacy\n");
    });

    test("skips cao shims on PATH; a missing codex is a clear error (4)", async () => {
      const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const shims = path.join(world.root, "shims");
      fs.mkdirSync(shims);
      fs.writeFileSync(path.join(shims, "codex"), "#!/bin/sh\n# cao-codex-shim\necho SHIM RAN\n", {
        mode: 0o755,
      });
      const env = { ...world.env, INIT: init, PATH: `${shims}:${world.env.PATH}` };
      const result = await runShell(shell, `${sourceInit(shell)}; codex`, env);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stdout, /SHIM RAN/);
      assert.equal(parseReport(result.stdout).values.CODEX_HOME, path.join(world.data, "work"));

      const after = shell === "fish" ? "echo status=$status" : "echo status=$?";
      const missing = await runShell(shell, `${sourceInit(shell)}; codex || ${after}`, {
        ...env,
        PATH: `${shims}:/usr/bin:/bin`,
      });
      assert.equal(missing.stdout, "status=4\n");
      assert.match(missing.stderr, /^cao: the real codex was not found/);
    });

    test("routes through a live gateway; a dead one is never waited for", async () => {
      const world = shellWorld({ accounts: ["work", "pool"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const state = path.join(world.data, ".state");
      fs.writeFileSync(path.join(state, "gateway-enabled"), "\n");
      fs.writeFileSync(path.join(state, "gateway"), `${process.pid} http://127.0.0.1:9/v1 pool\n`);
      const env = { ...world.env, INIT: init };
      const live = await runShell(shell, `${sourceInit(shell)}; codex exec hi`, env);
      assert.equal(live.code, 0, live.stderr);
      const report = parseReport(live.stdout);
      assert.deepEqual(report.args, ["-c", 'openai_base_url="http://127.0.0.1:9/v1"', "exec", "hi"]);
      assert.equal(report.values.CODEX_HOME, path.join(world.data, "pool"));
      // This shell's choice stands with the gateway too, and an unknown one is refused as without it.
      const chosen = await runShell(shell, `${sourceInit(shell)}; codex exec hi`, {
        ...env,
        CAO_ACCOUNT: "work",
      });
      assert.equal(chosen.code, 0, chosen.stderr);
      assert.equal(parseReport(chosen.stdout).values.CODEX_HOME, path.join(world.data, "work"));
      assert.deepEqual(parseReport(chosen.stdout).args.slice(0, 2), [
        "-c",
        'openai_base_url="http://127.0.0.1:9/v1"',
      ]);
      const after = shell === "fish" ? "echo status=$status" : "echo status=$?";
      const ghost = await runShell(shell, `${sourceInit(shell)}; codex exec hi || ${after}`, {
        ...env,
        CAO_ACCOUNT: "ghost",
      });
      assert.match(ghost.stdout, /^status=2$/m, ghost.stdout + ghost.stderr);
      assert.match(ghost.stderr, /account "ghost" \(from shell\) does not exist/);

      fs.writeFileSync(path.join(state, "gateway"), `${deadPid()} http://127.0.0.1:9/v1 pool\n`);
      const dead = await runShell(shell, `${sourceInit(shell)}; codex exec hi`, env);
      assert.equal(dead.code, 0, dead.stderr);
      assert.deepEqual(parseReport(dead.stdout).args, ["exec", "hi"]);
      assert.equal(parseReport(dead.stdout).values.CODEX_HOME, path.join(world.data, "work"));
      assert.match(
        dead.stderr,
        /^cao: the gateway is enabled but not running; running codex directly \(start it: cao gateway start --detach\)$/m,
      );
    });

    test("re-syncs the account's config.toml only when the main one is newer", async () => {
      const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const accountConfig = path.join(world.data, "work", "config.toml");
      fs.writeFileSync(path.join(world.codexHome, "config.toml"), 'model = "from-main"\n');
      const old = new Date(Date.now() - 60_000);
      fs.utimesSync(accountConfig, old, old);
      const result = await runShell(shell, `${sourceInit(shell)}; codex`, { ...world.env, INIT: init });
      assert.equal(result.code, 0, result.stderr);
      const synced = fs.readFileSync(accountConfig, "utf8");
      assert.match(synced, /model = "from-main"/);
      assert.match(synced, /forced_login_method = "chatgpt"/);
    });

    test("keeps the terminal: codex's stdin and stdout are the TTY, and the status survives", async () => {
      const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
      const init = await writeInit(world, shell);
      const inner = {
        bash: `bash --norc --noprofile -c '. "$INIT"; codex'`,
        zsh: `zsh -f -c '. "$INIT"; codex'`,
        fish: `fish --no-config -c 'source "$INIT"; codex'`,
      }[shell];
      const result = await run("script", ["-qec", inner, "/dev/null"], {
        env: { ...world.env, INIT: init, FAKE_CODEX_EXIT: "3" },
      });
      assert.equal(result.code, 3, result.stdout);
      const report = parseReport(result.stdout);
      assert.equal(report.values.STDIN, "tty");
      assert.equal(report.values.STDOUT, "tty");
    });
  });
}

test("quoting survives a cao path and a data dir with spaces, quotes and $", async () => {
  const world = shellWorld({ dataDirName: `data "dir" it's $HOME`, accounts: ["a.b@c+d-e_f"] });
  setDefault(world, "a.b@c+d-e_f");
  addAccount(world, "other");
  const weirdBin = path.join(world.root, `cao's "bin" $PATH`);
  fs.mkdirSync(weirdBin);
  fs.symlinkSync(caoBin, path.join(weirdBin, "cao"));
  const codexOnly = path.join(world.root, "codex-only");
  fs.mkdirSync(codexOnly);
  fs.symlinkSync(fakeCodex, path.join(codexOnly, "codex"));
  fs.writeFileSync(path.join(world.codexHome, "config.toml"), 'model = "main"\n');
  for (const shell of REAL_SHELLS) {
    const init = await writeInit(world, shell, [], path.join(weirdBin, "cao"));
    assert.ok(fs.readFileSync(init, "utf8").includes(quote(shell, path.join(weirdBin, "cao"))));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(world.data, "a.b@c+d-e_f", "config.toml"), old, old);
    // node (for cao's shebang) and the fake codex, but no `cao` on PATH: only
    // the rendered path can reach cao, so it must be quoted right.
    const env = { ...world.env, INIT: init, PATH: `${path.dirname(process.execPath)}:${codexOnly}` };
    const result = await runShell(shell, `${sourceInit(shell)}; codex; cao use --shell other; codex`, env);
    assert.equal(result.code, 0, `${shell}: ${result.stderr}`);
    const homes = result.stdout.split("\n").filter((l) => l.startsWith("CODEX_HOME="));
    assert.deepEqual(homes, [
      `CODEX_HOME=${path.join(world.data, "a.b@c+d-e_f")}`,
      `CODEX_HOME=${path.join(world.data, "other")}`,
    ]);
    assert.match(
      fs.readFileSync(path.join(world.data, "a.b@c+d-e_f", "config.toml"), "utf8"),
      /model = "main"/,
    );
  }
});

function volatileFree(dump: string): string[] {
  const volatile =
    /^(_|RANDOM|SRANDOM|SECONDS|EPOCHSECONDS|EPOCHREALTIME|LINENO|BASH_LINENO|BASH_COMMAND|BASH_ARGC|BASH_ARGV|PIPESTATUS|pipestatus|status|\?|TTYIDLE|funcfiletrace|funcsourcetrace|funcstack|functrace|ZSH_EVAL_CONTEXT|zsh_eval_context|CMD_DURATION|COLUMNS|LINES|history|fish_pid|last_pid|histchars|_history)[= ]/;
  return dump.split("\n").filter((line) => !volatile.test(line));
}

test("the user's shell settings (IFS, globbing, zsh options) change nothing", async () => {
  const world = shellWorld({ accounts: ["work", "pool"], defaultAccount: "work" });
  const state = path.join(world.data, ".state");
  fs.mkdirSync(path.join(state, "usage"), { recursive: true });
  fs.writeFileSync(path.join(state, "usage", "work"), `42 ${Math.floor(Date.now() / 1000) + 3600} - -\n`);
  const hostile: Record<string, string> = {
    bash: "IFS=:; shopt -s nullglob failglob extglob; set -f",
    zsh: "IFS=:; setopt ksh_arrays sh_word_split no_glob glob_subst rc_expand_param",
    fish: "set -g IFS :",
  };
  for (const shell of REAL_SHELLS) {
    const init = await writeInit(world, shell, ["--prompt-hook"]);
    const cycle = { bash: "__cao_prompt_command", zsh: "__cao_prompt_update", fish: "emit fish_prompt" }[
      shell
    ];
    const gateway = `${process.pid} http://127.0.0.1:9/v1 pool`;
    const script = `${hostile[shell]}; ${sourceInit(shell)}; ${cycle}; echo "P=$CAO_PROMPT"; codex "$A0" "$A1"; echo "$GW" >"$GWFILE"; codex x`;
    const env = {
      ...world.env,
      INIT: init,
      A0: "a b",
      A1: "*",
      GW: gateway,
      GWFILE: path.join(state, "gateway"),
    };
    fs.writeFileSync(path.join(state, "gateway-enabled"), "\n");
    fs.rmSync(path.join(state, "gateway"), { force: true });
    const result = await runShell(shell, script, env);
    assert.equal(result.code, 0, `${shell}: ${result.stderr}`);
    const [first, second] = result.stdout.split("P=")[1]!.split("CODEX_HOME=").slice(1);
    assert.match(result.stdout, /^P=work 42%\n/, shell);
    assert.deepEqual(parseReport(`CODEX_HOME=${first}`).args, ["a b", "*"], shell);
    assert.deepEqual(
      parseReport(`CODEX_HOME=${second}`).args,
      ["-c", 'openai_base_url="http://127.0.0.1:9/v1"', "x"],
      shell,
    );
  }
});
