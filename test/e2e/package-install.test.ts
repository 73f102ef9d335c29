import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { repoRoot, runProcess } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

// What a user gets from `npm pack` + `npm install -g TARBALL`, from a checkout
// with no dist/ (prepack must build it): the tarball is made in a copy of the
// repo's files so this suite's own dist/ is never rebuilt under other tests.

const PACK_TIMEOUT_MS = 300_000;

function copyCheckout(into: string): void {
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: repoRoot })
    .toString()
    .split("\0")
    .filter((file) => file && fs.existsSync(path.join(repoRoot, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, file), path.join(into, file));
  }
  // The dev dependencies (tsc, esbuild) prepack needs, without a second install.
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(into, "node_modules"));
}

test("a packed tarball, installed into an empty prefix, runs cao --version and cao demo", async () => {
  const root = tempDir("cao-pack-");
  const checkout = path.join(root, "checkout");
  copyCheckout(checkout);
  assert.equal(fs.existsSync(path.join(checkout, "dist")), false, "the copy starts without dist/");

  const env = { ...process.env, npm_config_loglevel: "error", npm_config_update_notifier: "false" };
  const pack = await runProcess("npm", ["pack", "--json", "--pack-destination", root], {
    cwd: checkout,
    env,
    timeoutMs: PACK_TIMEOUT_MS,
  });
  assert.equal(pack.code, 0, pack.stderr);
  const [manifest] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as [
    { filename: string; files: { path: string }[] },
  ];
  const shipped = manifest.files.map((file) => file.path);
  for (const needed of [
    "dist/bin/cao.cjs",
    "dist/cli.js",
    "shells/cao.zsh",
    "templates/codex-shim.sh",
    "node_modules/citty/package.json",
  ])
    assert.ok(shipped.includes(needed), `${needed} missing from ${shipped.join(", ")}`);
  const unwanted = shipped.filter(
    (file) => (file.startsWith("dist/") && file.endsWith(".map")) || /^dist\/bin\/[^/]+\.js$/.test(file),
  );
  assert.deepEqual(unwanted, [], "no source maps of unshipped src/, no unused tsc output in dist/bin");

  // Offline: the dependencies ship inside the tarball (bundleDependencies).
  const prefix = path.join(root, "prefix");
  const install = await runProcess(
    "npm",
    [
      "install",
      "-g",
      "--offline",
      "--no-audit",
      "--no-fund",
      "--prefix",
      prefix,
      path.join(root, manifest.filename),
    ],
    { env, timeoutMs: PACK_TIMEOUT_MS },
  );
  assert.equal(install.code, 0, install.stderr);

  const cao = path.join(prefix, "bin", "cao");
  const home = path.join(root, "home");
  fs.mkdirSync(home);
  const userEnv: NodeJS.ProcessEnv = {
    HOME: home,
    NO_COLOR: "1",
    // No codex here: the demo must fall back to its scripted client.
    PATH: [path.join(prefix, "bin"), path.dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
  };
  const version = await runProcess(cao, ["--version"], { env: userEnv });
  const expected = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).version;
  assert.equal(version.stdout.trim(), expected, version.stderr);

  const demo = await runProcess(cao, ["demo"], { env: userEnv, timeoutMs: 120_000 });
  assert.equal(demo.code, 0, `${demo.stdout}\n${demo.stderr}`);
  assert.match(demo.stdout, /built-in scripted client/, demo.stdout);
});
