import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { caoBin } from "../helpers/cli.js";
import { parseReport, run, shellWorld } from "./world.js";

const backups = (file: string) =>
  fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(`${path.basename(file)}.cao-backup-`));

test("--install adds one marked block, idempotently, with a backup; --uninstall restores the file exactly", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  const rc = path.join(world.home, ".bashrc");
  const original = "alias ll='ls -l'\nexport EDITOR=vi"; // no final newline, on purpose
  fs.writeFileSync(rc, original, { mode: 0o640 });
  const install = await run("cao", ["init", "bash", "--install"], { env: world.env });
  assert.equal(install.code, 0, install.stderr);
  const installed = fs.readFileSync(rc, "utf8");
  assert.ok(installed.startsWith(`${original}\n# >>> cao init >>>`), installed);
  assert.equal(installed.match(/# >>> cao init >>>/g)?.length, 1);
  assert.deepEqual(
    backups(rc).map((b) => fs.readFileSync(path.join(world.home, b), "utf8")),
    [original],
  );
  assert.equal(fs.statSync(rc).mode & 0o777, 0o640, "the file keeps its mode");

  const again = await run("cao", ["init", "bash", "--install"], { env: world.env });
  assert.equal(again.code, 0);
  assert.match(again.stderr, /already/);
  assert.equal(fs.readFileSync(rc, "utf8"), installed);

  // A new shell loads it.
  const shell = await run("bash", ["--norc", "-c", '. "$HOME/.bashrc"; codex'], { env: world.env });
  assert.equal(parseReport(shell.stdout).values.CODEX_HOME, path.join(world.data, "work"), shell.stderr);

  // Switching to the cached form replaces the block instead of adding one.
  const cached = await run("cao", ["init", "bash", "--install", "--cached", "--prompt"], { env: world.env });
  assert.equal(cached.code, 0, cached.stderr);
  const withCache = fs.readFileSync(rc, "utf8");
  assert.equal(withCache.match(/# >>> cao init >>>/g)?.length, 1);
  assert.match(withCache, /init-bash--prompt\.bash/);

  // Exactly the original when nothing was added after the block...
  const restored = await run("cao", ["init", "bash", "--uninstall"], { env: world.env });
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(fs.readFileSync(rc, "utf8"), original);
  // ...and the user's later lines kept when something was.
  assert.equal((await run("cao", ["init", "bash", "--install"], { env: world.env })).code, 0);
  fs.appendFileSync(rc, "echo added later\n");
  const uninstall = await run("cao", ["init", "bash", "--uninstall"], { env: world.env });
  assert.equal(uninstall.code, 0, uninstall.stderr);
  assert.equal(fs.readFileSync(rc, "utf8"), `${original}\necho added later\n`);
  const nothing = await run("cao", ["init", "bash", "--uninstall"], { env: world.env });
  assert.equal(nothing.code, 0);
  assert.match(nothing.stderr, /nothing to remove/);
});

test("a file --install created is removed again by --uninstall; zsh and fish use their own rc files", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  const files = {
    zsh: path.join(world.home, ".zshrc"),
    fish: path.join(world.home, ".config", "fish", "config.fish"),
    powershell: path.join(world.home, ".config", "powershell", "Microsoft.PowerShell_profile.ps1"),
  };
  for (const [shell, rc] of Object.entries(files)) {
    const install = await run("cao", ["init", shell, "--install"], { env: world.env });
    assert.equal(install.code, 0, install.stderr);
    assert.match(fs.readFileSync(rc, "utf8"), /# >>> cao init >>>/);
  }
  const zsh = await run("zsh", ["-i", "-c", "codex"], { env: world.env });
  assert.equal(parseReport(zsh.stdout).values.CODEX_HOME, path.join(world.data, "work"), zsh.stderr);
  const fish = await run("fish", ["-c", "codex"], { env: world.env });
  assert.equal(parseReport(fish.stdout).values.CODEX_HOME, path.join(world.data, "work"), fish.stderr);
  for (const [shell, rc] of Object.entries(files)) {
    const uninstall = await run("cao", ["init", shell, "--uninstall"], { env: world.env });
    assert.equal(uninstall.code, 0, uninstall.stderr);
    assert.equal(fs.existsSync(rc), false, `${rc} removed`);
  }
});

test("writes through a symlinked rc file, keeping the link", async () => {
  const world = shellWorld();
  const target = path.join(world.root, "dotfiles-bashrc");
  fs.writeFileSync(target, "# mine\n");
  const rc = path.join(world.home, ".bashrc");
  fs.symlinkSync(target, rc);
  assert.equal((await run("cao", ["init", "bash", "--install"], { env: world.env })).code, 0);
  assert.ok(fs.lstatSync(rc).isSymbolicLink());
  assert.match(fs.readFileSync(target, "utf8"), /^# mine\n# >>> cao init >>>/);
  assert.equal((await run("cao", ["init", "bash", "--uninstall"], { env: world.env })).code, 0);
  assert.equal(fs.readFileSync(target, "utf8"), "# mine\n");
});

test("an unwritable rc file is a one-line error (exit 1) and is left as it was", async () => {
  const world = shellWorld();
  const dir = path.join(world.root, "readonly");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, ".bashrc"), "# mine\n");
  // We run as root in CI, so permissions do not stop a write: a read-only bind mount does.
  const script = `mount --bind -o ro "$D" "$D" && exec "$CAO" init bash --install --rc "$D/.bashrc"`;
  const result = await run("unshare", ["-m", "sh", "-c", script], {
    env: { ...world.env, D: dir, CAO: caoBin },
  });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /cannot write .*\.bashrc.*: EROFS/);
  assert.equal(result.stderr.trim().split("\n").length <= 2, true, result.stderr);
  assert.equal(fs.readFileSync(path.join(dir, ".bashrc"), "utf8"), "# mine\n");

  const notADir = await run("cao", ["init", "bash", "--install", "--rc", path.join(dir, ".bashrc", "x")], {
    env: world.env,
  });
  assert.equal(notADir.code, 1);
  assert.match(notADir.stderr, /cannot (read|write) .*ENOTDIR/);
});

test("a shell whose rc loads cao keeps working after cao is removed", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  assert.equal(
    (await run(path.join(world.bin, "cao"), ["init", "bash", "--install"], { env: world.env })).code,
    0,
  );
  assert.equal(
    (await run(path.join(world.bin, "cao"), ["init", "fish", "--install"], { env: world.env })).code,
    0,
  );
  fs.rmSync(path.join(world.bin, "cao"));
  // PATH without any cao (the test runner's own PATH may hold one).
  const env = { ...world.env, PATH: `${world.bin}:/usr/bin:/bin` };
  const notLoaded = /^cao: not loaded: .*bin\/cao is gone and no cao is on PATH \(another Node version\?\)/;
  const bash = await run("bash", ["--norc", "-c", '. "$HOME/.bashrc"; echo alive'], { env });
  assert.deepEqual([bash.code, bash.stdout], [0, "alive\n"], bash.stderr);
  assert.match(bash.stderr, notLoaded);
  assert.equal(bash.stderr.split("\n").filter(Boolean).length, 1, `one line: ${bash.stderr}`);
  const fish = await run("fish", ["-c", "echo alive"], { env });
  assert.deepEqual([fish.code, fish.stdout], [0, "alive\n"], fish.stderr);
  assert.match(fish.stderr, notLoaded);
});

/** A fake nvm: each Node version's global bins in their own dir, `cao` installed in some. */
function nodeVersions(world: ReturnType<typeof shellWorld>, versions: Record<string, boolean>) {
  const dirs: Record<string, string> = {};
  for (const [version, withCao] of Object.entries(versions)) {
    const bin = path.join(world.home, ".nvm", "versions", "node", version, "bin");
    fs.mkdirSync(bin, { recursive: true });
    if (withCao) fs.symlinkSync(caoBin, path.join(bin, "cao"));
    dirs[version] = bin;
  }
  return dirs;
}

for (const shell of ["bash", "zsh", "fish"] as const) {
  test(`${shell}: the installed line survives a Node version switch: the new version's cao, else one hint`, async () => {
    const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
    const bins = nodeVersions(world, { v20: true, v22: true, v23: false });
    // Installed with Node 20's cao, by its full path (as `cao` on PATH runs).
    const onNode = (version: string) => ({
      ...world.env,
      PATH: `${bins[version]}:${path.join(world.root, "codex-only")}:/usr/bin:/bin`,
    });
    fs.mkdirSync(path.join(world.root, "codex-only"));
    fs.symlinkSync(path.join(world.bin, "codex"), path.join(world.root, "codex-only", "codex"));
    const installed = await run(path.join(bins.v20!, "cao"), ["init", shell, "--install"], {
      env: onNode("v20"),
    });
    assert.equal(installed.code, 0, installed.stderr);
    // `nvm uninstall 20`: the recorded path is gone.
    fs.rmSync(path.join(bins.v20!, "cao"));
    const start = (version: string) => {
      const check =
        shell === "fish"
          ? "functions -q codex; and echo loaded; or echo plain"
          : "if typeset -f codex >/dev/null; then echo loaded; else echo plain; fi";
      const argv =
        shell === "bash"
          ? ["bash", "--norc", "-c", `. "$HOME/.bashrc"; ${check}`]
          : shell === "zsh"
            ? ["zsh", "-i", "-c", check]
            : ["fish", "-c", check];
      return run(argv[0]!, argv.slice(1), { env: { ...onNode(version), ZDOTDIR: world.home } });
    };
    const switched = await start("v22");
    assert.deepEqual(
      [switched.code, switched.stdout, switched.stderr],
      [0, "loaded\n", ""],
      "Node 22's cao loads it",
    );
    const without = await start("v23");
    assert.deepEqual([without.code, without.stdout], [0, "plain\n"], without.stderr);
    assert.match(
      without.stderr,
      /^cao: not loaded: .*is gone and no cao is on PATH \(another Node version\?\); install cao for it/,
    );
  });
}

test("--install leaves an rc file that already loads `cao init` by hand alone and says so", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  const rc = path.join(world.home, ".bashrc");
  const original =
    'export EDITOR=vi\n# eval "$(cao init zsh)" is what the README says\n  eval "$(cao init bash --prompt)"\n';
  fs.writeFileSync(rc, original);
  const install = await run("cao", ["init", "bash", "--install"], { env: world.env });
  assert.equal(install.code, 0, install.stderr);
  assert.match(
    install.stderr,
    /already loads cao \(line 3: eval "\$\(cao init bash --prompt\)"\); nothing added/,
  );
  assert.equal(fs.readFileSync(rc, "utf8"), original);
  assert.deepEqual(backups(rc), []);
  // fish's form, and a full path, count too.
  const fishRc = path.join(world.home, ".config", "fish", "config.fish");
  fs.mkdirSync(path.dirname(fishRc), { recursive: true });
  fs.writeFileSync(fishRc, "/opt/node/bin/cao init fish | source\n");
  const fish = await run("cao", ["init", "fish", "--install"], { env: world.env });
  assert.match(fish.stderr, /already loads cao \(line 1/);
});

test("--install loads the completions too (a file, no second process) and keeps one backup however often it runs", async () => {
  const world = shellWorld({ accounts: ["work", "side.project"], defaultAccount: "work" });
  const rc = path.join(world.home, ".bashrc");
  fs.writeFileSync(rc, "export EDITOR=vi\n");
  for (const flags of [[], ["--prompt"], ["--cached"], ["--prompt-hook"]]) {
    const result = await run("cao", ["init", "bash", "--install", ...flags], { env: world.env });
    assert.equal(result.code, 0, result.stderr);
  }
  assert.equal(backups(rc).length, 1, `backups: ${backups(rc).join(" ")}`);
  const complete = `. "$HOME/.bashrc"; COMP_WORDS=(cao use ''); COMP_CWORD=2; __cao_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const bash = await run("bash", ["--norc", "-c", complete], { env: world.env });
  assert.equal(bash.code, 0, bash.stderr);
  assert.deepEqual(
    bash.stdout
      .split("\n")
      .filter((w) => w && !w.startsWith("-"))
      .sort(),
    ["side.project", "work"],
  );

  assert.equal((await run("cao", ["init", "fish", "--install"], { env: world.env })).code, 0);
  const fish = await run("fish", ["-c", 'complete -C "cao use w"'], { env: world.env });
  assert.equal(fish.stdout.split(/[\t\n]/)[0], "work", fish.stderr);
  // zsh registers it when compinit ran first (as in most .zshrc files).
  const zshrc = path.join(world.home, ".zshrc");
  fs.writeFileSync(zshrc, "autoload -Uz compinit; compinit -u -D\n");
  assert.equal((await run("cao", ["init", "zsh", "--install"], { env: world.env })).code, 0);
  const zsh = await run("zsh", ["-i", "-c", `print -r -- "\${_comps[cao]}"`], {
    env: { ...world.env, ZDOTDIR: world.home },
  });
  assert.equal(zsh.stdout, "_cao\n", zsh.stderr);

  // --uninstall takes the completion file away with the block.
  const completionFile = path.join(world.home, ".local", "share", "cao", "completion.bash");
  assert.ok(fs.existsSync(completionFile));
  assert.equal((await run("cao", ["init", "bash", "--uninstall"], { env: world.env })).code, 0);
  assert.equal(fs.readFileSync(rc, "utf8"), "export EDITOR=vi\n");
  assert.ok(!fs.existsSync(completionFile), "completion file removed");
  assert.equal(backups(rc).length, 1, `still one backup: ${backups(rc).join(" ")}`);
});
