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
  const bash = await run("bash", ["--norc", "-c", '. "$HOME/.bashrc"; echo alive'], { env: world.env });
  assert.deepEqual([bash.code, bash.stdout, bash.stderr], [0, "alive\n", ""]);
  const fish = await run("fish", ["-c", "echo alive"], { env: world.env });
  assert.deepEqual([fish.code, fish.stdout, fish.stderr], [0, "alive\n", ""]);
});
