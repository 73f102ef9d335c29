import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { repoRoot, runProcess } from "../helpers/cli.js";
import { tempDir, tempWorld } from "../helpers/temp.js";

// The V8 code cache of the bin's bundles (src/bin/code-cache.ts), with the real
// bin in a copy of dist/ that a test may edit.

function installedCopy(): { bin: string; hotBundle: string } {
  const root = tempDir("cao-pkg-");
  fs.cpSync(path.join(repoRoot, "dist"), path.join(root, "dist"), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(root, "package.json"));
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"));
  return { bin: path.join(root, "dist/bin/cao.cjs"), hotBundle: path.join(root, "dist/bin/hot.cjs") };
}

function setup() {
  const world = tempWorld();
  const pkg = installedCopy();
  const cacheDir = path.join(world.home, ".cache", "cao");
  const cacheFile = () => path.join(cacheDir, `hot-${fs.statSync(pkg.hotBundle).size}.v8cache`);
  const cao = (...args: string[]) => runProcess(process.execPath, [pkg.bin, ...args], { env: world.env });
  const header = () => fs.readFileSync(cacheFile(), "latin1").split("\n", 1)[0] ?? "";
  return { world, pkg, cacheDir, cacheFile, cao, header };
}

describe("code cache", () => {
  test("the first run writes it (0600 in 0700), the next ones only read it, a new command adds to it once", async () => {
    const { cacheDir, cacheFile, cao, header } = setup();
    assert.equal((await cao("status", "--json")).code, 0);
    assert.equal(fs.statSync(cacheDir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(cacheFile()).mode & 0o777, 0o600);
    assert.match(header(), /^cao-v8-cache-1 \d+ status$/);
    const written = fs.statSync(cacheFile());

    assert.equal((await cao("status", "--json")).code, 0);
    const reread = fs.statSync(cacheFile());
    assert.equal(reread.ino, written.ino, "an accepted cache is not rewritten");
    assert.equal(reread.mtimeMs, written.mtimeMs);

    const run = await cao("run", "--", "exec", "hi");
    assert.equal(run.code, 1, run.stderr);
    assert.match(header(), /^cao-v8-cache-1 \d+ status run$/);
    assert.equal(fs.readdirSync(cacheDir).length, 1, "no temp file is left behind");
  });

  test("once it notes 16 command words, a new one no longer rewrites it", async () => {
    const { cacheFile, cao, header } = setup();
    assert.equal((await cao("status", "--json")).code, 0);
    const full = Array.from({ length: 16 }, (_, i) => `word${String.fromCharCode(97 + i)}`);
    const bytes = fs.readFileSync(cacheFile());
    const headerEnd = bytes.indexOf(10);
    const [format, size] = header().split(" ");
    const edited = Buffer.concat([
      Buffer.from(`${[format, size, ...full].join(" ")}`),
      bytes.subarray(headerEnd),
    ]);
    fs.writeFileSync(cacheFile(), edited, { mode: 0o600 });
    const before = fs.statSync(cacheFile());
    assert.equal((await cao("run", "--", "exec", "hi")).code, 1);
    assert.equal(fs.statSync(cacheFile()).ino, before.ino);
    assert.equal(header().split(" ").length, 18);
  });

  test("a bundle changed in place (same size) never runs the old bytecode", async () => {
    const { pkg, cacheFile, cao } = setup();
    const before = await cao("run", "--", "exec", "hi");
    assert.match(before.stderr, /no accounts yet/);
    assert.ok(fs.existsSync(cacheFile()), `${cacheFile()} exists`);
    // V8 checks only the source length: an edit of the same length is what a stale cache would hide.
    const bundle = fs.readFileSync(pkg.hotBundle, "utf8");
    fs.writeFileSync(
      pkg.hotBundle,
      bundle.replace('CaoError("no accounts yet"', 'CaoError("NO ACCOUNTS YET"'),
    );
    const after = await cao("run", "--", "exec", "hi");
    assert.match(after.stderr, /NO ACCOUNTS YET/);
  });

  test("a corrupt or foreign cache file is not used, and is replaced by a good one", async () => {
    const { cacheDir, cacheFile, cao, header } = setup();
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(cacheFile(), "cao-v8-cache-1 12 status\ngarbage", { mode: 0o600 });
    const first = await cao("status", "--json");
    assert.equal(first.code, 0, first.stderr);
    assert.match(header(), /^cao-v8-cache-1 \d+ status$/);

    // Writable by others: whoever could write it could choose the code cao runs.
    fs.chmodSync(cacheFile(), 0o666);
    const second = await cao("status", "--json");
    assert.equal(second.code, 0, second.stderr);
    assert.equal(fs.statSync(cacheFile()).mode & 0o777, 0o600, "rewritten by cao, private again");
  });

  test("no usable cache directory costs nothing but the cache, and CAO_NO_CODE_CACHE turns it off", async () => {
    const { world, pkg } = setup();
    const blocked = path.join(world.root, "not-a-dir");
    fs.writeFileSync(blocked, "");
    const env = { ...world.env, XDG_CACHE_HOME: blocked };
    const run = await runProcess(process.execPath, [pkg.bin, "status", "--json"], { env });
    assert.equal(run.code, 0);
    assert.equal(run.stderr, "");

    const off = { ...world.env, CAO_NO_CODE_CACHE: "1" };
    assert.equal((await runProcess(process.execPath, [pkg.bin, "status", "--json"], { env: off })).code, 0);
    assert.equal(fs.existsSync(path.join(world.home, ".cache")), false);
  });
});
