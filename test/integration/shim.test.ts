import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { templatesDir } from "../../src/core/template.js";
import { renderShims } from "../../src/gateway-setup/shims.js";
import { codexVersion, runCao, runProcess } from "../helpers/cli.js";
import { codexPathDir } from "../helpers/real-codex.js";
import { generatedParts, matchSnapshot } from "../helpers/snapshot.js";
import { tempWorld } from "../helpers/temp.js";
import { powershellSyntaxErrors } from "../shell/powershell-parse.js";

const SHELLS = ["sh", "dash", "bash"];
const nodeDir = path.dirname(process.execPath);

/** A stand-in for the real codex that reports what it was given. */
function writeFakeCodex(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const script = [
    "#!/bin/sh",
    'printf "arg=%s\\n" "$@"',
    'printf "CODEX_HOME=%s\\n" "$CODEX_HOME"',
    'printf "CODEX_SQLITE_HOME=%s\\n" "$CODEX_SQLITE_HOME"',
    // `-` expansion: "unset" when the variable does not exist at all.
    'printf "CODEX_API_KEY=%s\\n" "$' + '{CODEX_API_KEY-unset}"',
  ];
  fs.writeFileSync(path.join(dir, "codex"), `${script.join("\n")}\n`, { mode: 0o755 });
}

function setup() {
  const world = tempWorld();
  const shims = path.join(world.root, "shims");
  const realBin = path.join(world.root, "real-bin");
  writeFakeCodex(realBin);
  for (const account of ["work", "other", "pinned", "chosen"]) {
    fs.mkdirSync(path.join(world.dataDir, account), { recursive: true });
  }
  fs.mkdirSync(path.join(world.dataDir, ".state"), { recursive: true });
  fs.writeFileSync(path.join(world.dataDir, ".state/default"), "work\n");
  const env: NodeJS.ProcessEnv = {
    ...world.env,
    PATH: [shims, realBin, "/usr/bin", "/bin"].join(":"),
    CODEX_API_KEY: "sk-must-not-reach-codex",
  };
  return { ...world, shims, realBin, env };
}

function parseOutput(stdout: string): { args: string[]; env: Record<string, string> } {
  const args: string[] = [];
  const env: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    if (line.startsWith("arg=")) args.push(line.slice(4));
    else if (line.includes("=")) env[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
  }
  return { args, env };
}

/** Runs the shim in one shell with a bounded time, so a recursion bug fails instead of hanging. */
function runShim(shell: string, shim: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  const result = spawnSync(shell, [shim, ...args], { env, cwd, encoding: "utf8", timeout: 10_000 });
  assert.equal(result.error, undefined, `${shell}: ${result.error?.message}`);
  return result;
}

test("enable installs a shim that runs the real codex in the default account's home", async () => {
  const world = setup();
  const enabled = await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  assert.equal(enabled.code, 0, enabled.stderr);
  assert.match(enabled.stdout, /installed .*shims\/codex/);
  const shim = path.join(world.shims, "codex");
  assert.equal(fs.statSync(shim).mode & 0o777, 0o755);
  assert.equal(fs.readFileSync(path.join(world.dataDir, ".state/gateway-enabled"), "utf8"), "\n");
  for (const shell of SHELLS) {
    const result = runShim(shell, shim, ["exec", "two words", "--flag"], world.env);
    assert.equal(result.status, 0, `${shell}: ${result.stderr}`);
    const seen = parseOutput(result.stdout);
    assert.deepEqual(seen.args, ["exec", "two words", "--flag"], shell);
    assert.equal(seen.env.CODEX_HOME, path.join(world.dataDir, "work"), shell);
    assert.equal(seen.env.CODEX_SQLITE_HOME, world.codexHome, shell);
    assert.equal(seen.env.CODEX_API_KEY, "unset", shell);
  }
  // Found through PATH like any command (the #!/bin/sh line), from another directory.
  const viaPath = spawnSync("codex", ["hello"], { env: world.env, cwd: world.root, encoding: "utf8" });
  assert.deepEqual(parseOutput(viaPath.stdout).args, ["hello"]);
});

/** The shim, enabled, and a project with a pin two levels up from where codex runs. */
async function pinnedProject() {
  const world = setup();
  await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  const shim = path.join(world.shims, "codex");
  const project = path.join(world.root, "project");
  const nested = path.join(project, "src", "deep");
  fs.mkdirSync(nested, { recursive: true });
  fs.writeFileSync(path.join(project, ".cao-account"), "  pinned  \n");
  return { world, shim, nested };
}

// The whole rule runs from one table in shim-account-resolution.test.ts; these run the enabled shim.
test("the shim resolves the account like the wrapper: $CAO_ACCOUNT > .cao-account pin > default", async () => {
  const { world, shim, nested } = await pinnedProject();
  for (const shell of SHELLS) {
    const pinned = parseOutput(runShim(shell, shim, [], world.env, nested).stdout);
    assert.equal(pinned.env.CODEX_HOME, path.join(world.dataDir, "pinned"), shell);
    const chosen = parseOutput(
      runShim(shell, shim, [], { ...world.env, CAO_ACCOUNT: "chosen" }, nested).stdout,
    );
    assert.equal(chosen.env.CODEX_HOME, path.join(world.dataDir, "chosen"), shell);
  }
});

test("an account without a home (removed, typo) is exit 2 in the shim, as in the shell wrapper", async () => {
  const { world, shim, nested } = await pinnedProject();
  for (const shell of SHELLS) {
    const missing = runShim(shell, shim, [], { ...world.env, CAO_ACCOUNT: "ghost" }, nested);
    assert.equal(missing.status, 2, shell);
    assert.match(missing.stderr, /account "ghost" does not exist/, shell);
    assert.equal(missing.stdout, "", shell);
  }
});

test("a CODEX_HOME outside the data dir is the user's main home: the shim shares SQLite state with it", async () => {
  const { world, shim, nested } = await pinnedProject();
  const ownHome = path.join(world.root, "own-codex-home");
  for (const shell of SHELLS) {
    const main = parseOutput(runShim(shell, shim, [], { ...world.env, CODEX_HOME: ownHome }, nested).stdout);
    assert.equal(main.env.CODEX_SQLITE_HOME, ownHome, shell);
  }
});

test("the shim re-syncs a stale account config.toml, and only when it is stale", async () => {
  const world = setup();
  await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  const shim = path.join(world.shims, "codex");
  const accountConfig = path.join(world.dataDir, "work", "config.toml");
  fs.writeFileSync(accountConfig, 'model = "old"\n');
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(accountConfig, past, past);
  fs.mkdirSync(world.codexHome, { recursive: true });
  fs.writeFileSync(path.join(world.codexHome, "config.toml"), 'model = "o3"\n');
  const result = runShim("dash", shim, [], world.env);
  assert.equal(result.status, 0, result.stderr);
  const synced = fs.readFileSync(accountConfig, "utf8");
  assert.match(synced, /model = "o3"/);
  assert.match(synced, /forced_login_method = "chatgpt"/);
  // Fresh now: the next call does not run cao (the file is left as it is).
  fs.writeFileSync(accountConfig, `${synced}# untouched\n`);
  runShim("dash", shim, [], world.env);
  assert.match(fs.readFileSync(accountConfig, "utf8"), /# untouched/);
});

test("with no account at all the shim runs plain codex, CODEX_HOME untouched", async () => {
  const world = setup();
  await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  const shim = path.join(world.shims, "codex");
  fs.rmSync(path.join(world.dataDir, ".state/default"));
  const plain = runShim("sh", shim, ["x"], { ...world.env, CODEX_HOME: "/somewhere/else" });
  const seen = parseOutput(plain.stdout);
  assert.deepEqual(seen.args, ["x"]);
  assert.equal(seen.env.CODEX_HOME, "/somewhere/else");
});

test("a live gateway routes codex through it; a dead one is never used", async () => {
  const world = setup();
  await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  const shim = path.join(world.shims, "codex");
  const stateFile = path.join(world.dataDir, ".state/gateway");
  const url = "http://127.0.0.1:4319/v1";
  fs.writeFileSync(stateFile, `${process.pid} ${url} other\n`);
  for (const shell of SHELLS) {
    const seen = parseOutput(runShim(shell, shim, ["exec", "hi"], world.env).stdout);
    assert.deepEqual(seen.args, ["-c", `openai_base_url="${url}"`, "exec", "hi"], shell);
    // Codex starts in the home of the account the gateway routes to first.
    assert.equal(seen.env.CODEX_HOME, path.join(world.dataDir, "other"), shell);
    // ...unless $CAO_ACCOUNT chose one: that stands, and an unknown one is exit 2 as without the gateway.
    const chosen = parseOutput(runShim(shell, shim, ["x"], { ...world.env, CAO_ACCOUNT: "work" }).stdout);
    assert.equal(chosen.env.CODEX_HOME, path.join(world.dataDir, "work"), shell);
    assert.deepEqual(chosen.args, ["-c", `openai_base_url="${url}"`, "x"], shell);
    const ghost = runShim(shell, shim, ["x"], { ...world.env, CAO_ACCOUNT: "ghost" });
    assert.equal(ghost.status, 2, `${shell}: ${ghost.stderr}`);
    assert.match(ghost.stderr, /account "ghost" does not exist/);
  }
  // A pid that is gone: codex runs directly (a closed port would make it retry forever).
  const dead = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
  fs.writeFileSync(stateFile, `${dead} ${url} other\n`);
  for (const shell of SHELLS) {
    const result = runShim(shell, shim, ["exec", "hi"], world.env);
    const seen = parseOutput(result.stdout);
    assert.deepEqual(seen.args, ["exec", "hi"], shell);
    assert.equal(seen.env.CODEX_HOME, path.join(world.dataDir, "work"), shell);
    // Said once on stderr, like the shell wrapper.
    assert.match(
      result.stderr,
      /^cao: the gateway is enabled but not running; running codex directly \(start it: cao gateway start --detach\)$/m,
      shell,
    );
  }
  // Routing off (disable): a live gateway is not used either.
  fs.writeFileSync(stateFile, `${process.pid} ${url} other\n`);
  fs.rmSync(path.join(world.dataDir, ".state/gateway-enabled"));
  assert.deepEqual(parseOutput(runShim("sh", shim, ["x"], world.env).stdout).args, ["x"]);
});

test("with autostart the shim starts a stopped gateway first, then routes through it", () => {
  const world = setup();
  // A stand-in for cao: records its arguments and "starts" a gateway (a live sleep process).
  const fakeCao = path.join(world.root, "fake-cao");
  fs.writeFileSync(
    fakeCao,
    '#!/bin/sh\necho "$@" > "$CAO_HOME/cao-args"\nsleep 30 </dev/null >/dev/null 2>&1 &\necho "$! http://127.0.0.1:5555/v1 other" > "$CAO_HOME/.state/gateway"\n',
    { mode: 0o755 },
  );
  const rendered = renderShims({
    dir: world.shims,
    dataDir: world.dataDir,
    platform: "posix",
    caoCommand: [fakeCao],
  });
  fs.mkdirSync(world.shims, { recursive: true });
  const shim = path.join(world.shims, "codex");
  fs.writeFileSync(shim, rendered.get("codex") ?? "", { mode: 0o755 });
  fs.writeFileSync(path.join(world.dataDir, ".state/gateway-enabled"), "autostart\n");
  const env = { ...world.env };
  delete env.CAO_HOME; // the shim's baked data dir is used
  const result = runShim("dash", shim, ["exec"], env);
  const seen = parseOutput(result.stdout);
  assert.equal(
    fs.readFileSync(path.join(world.dataDir, "cao-args"), "utf8").trim(),
    "gateway start --detach",
  );
  assert.deepEqual(seen.args, ["-c", 'openai_base_url="http://127.0.0.1:5555/v1"', "exec"]);
  const pid = Number(fs.readFileSync(path.join(world.dataDir, ".state/gateway"), "utf8").split(" ")[0]);
  process.kill(pid);
  // A start that fails: one line on stderr, codex still runs directly.
  fs.writeFileSync(fakeCao, "#!/bin/sh\nexit 1\n");
  fs.rmSync(path.join(world.dataDir, ".state/gateway"));
  const failed = runShim("dash", shim, ["exec"], env);
  assert.deepEqual(parseOutput(failed.stdout).args, ["exec"]);
  assert.match(failed.stderr, /the gateway did not start; running codex directly/);
});

test("no recursion: shims in two dirs on PATH, copied shims and a PATH with only shims", async () => {
  const world = setup();
  const second = path.join(world.root, "shims2");
  await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  // A second shim rendered for another dir, and a copy of the first living in a third dir.
  const rendered = renderShims({ dir: second, dataDir: world.dataDir, platform: "posix" });
  fs.mkdirSync(second);
  fs.writeFileSync(path.join(second, "codex"), rendered.get("codex") ?? "", { mode: 0o755 });
  const copyDir = path.join(world.root, "copy");
  fs.mkdirSync(copyDir);
  fs.copyFileSync(path.join(world.shims, "codex"), path.join(copyDir, "codex"));
  const env = {
    ...world.env,
    PATH: [world.shims, second, copyDir, world.realBin, "/usr/bin", "/bin"].join(":"),
  };
  for (const shell of SHELLS) {
    for (const start of [world.shims, second, copyDir]) {
      const result = runShim(shell, path.join(start, "codex"), ["x"], env);
      assert.deepEqual(parseOutput(result.stdout).args, ["x"], `${shell} from ${start}`);
    }
  }
  const onlyShims = { ...env, PATH: [world.shims, second, copyDir, "/usr/bin", "/bin"].join(":") };
  for (const shell of SHELLS) {
    const result = runShim(shell, path.join(world.shims, "codex"), [], onlyShims);
    assert.equal(result.status, 4, shell);
    assert.match(result.stderr, /the real codex was not found on PATH/);
  }
  // No guard variable leaks into codex's environment.
  const leaked = runShim("bash", path.join(world.shims, "codex"), [], env).stdout;
  assert.doesNotMatch(leaked, /__cao|CAO_SHIM/);
});

test("the shim runs the real codex binary", async () => {
  const world = setup();
  await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  const env = {
    ...world.env,
    PATH: [world.shims, codexPathDir(), nodeDir, "/usr/bin", "/bin"].join(":"),
  };
  const result = await runProcess("codex", ["--version"], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`codex-cli ${codexVersion.replaceAll(".", "\\.")}\\b`));
});

test("enable never overwrites a codex that is not a shim; disable removes only cao shims", async () => {
  const world = setup();
  const foreign = path.join(world.realBin, "codex");
  const before = fs.readFileSync(foreign, "utf8");
  const refused = await runCao(["gateway", "enable", "--shims-dir", world.realBin], { env: world.env });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /exists and is not a cao shim; left it as it is/);
  assert.equal(fs.readFileSync(foreign, "utf8"), before);
  assert.equal(fs.existsSync(path.join(world.dataDir, ".state/gateway-enabled")), false);

  const enabled = await runCao(["gateway", "enable", "--shims-dir", world.shims, "--autostart"], {
    env: world.env,
  });
  assert.equal(enabled.code, 0, enabled.stderr);
  assert.equal(fs.readFileSync(path.join(world.dataDir, ".state/gateway-enabled"), "utf8"), "autostart\n");
  const disabled = await runCao(["gateway", "disable", "--shims-dir", world.realBin], { env: world.env });
  assert.equal(disabled.code, 0, disabled.stderr);
  assert.equal(fs.readFileSync(foreign, "utf8"), before);
  assert.equal(fs.existsSync(path.join(world.shims, "codex")), true, "--shims-dir named another dir");
  // Without --shims-dir, disable finds the dir enable used.
  await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  const again = await runCao(["gateway", "disable"], { env: world.env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(fs.existsSync(path.join(world.shims, "codex")), false);
  assert.equal(fs.existsSync(path.join(world.dataDir, ".state/gateway-enabled")), false);
});

test("enable says how to put the shims dir on PATH, and when another codex comes first", async () => {
  const world = setup();
  const offPath = await runCao(["gateway", "enable", "--shims-dir", world.shims], {
    env: { ...world.env, PATH: ["/usr/bin", "/bin"].join(":") },
  });
  assert.equal(offPath.code, 0, offPath.stderr);
  assert.match(offPath.stderr, /is not on PATH; add it first, e\.g\. in ~\/\.profile: export PATH=/);
  const shadowed = await runCao(["gateway", "enable", "--shims-dir", world.shims], {
    env: { ...world.env, PATH: [world.realBin, world.shims, "/usr/bin", "/bin"].join(":") },
  });
  assert.match(shadowed.stderr, /real-bin\/codex comes before .* on PATH/);
  const fine = await runCao(["gateway", "enable", "--shims-dir", world.shims], { env: world.env });
  assert.doesNotMatch(fine.stderr, /PATH/);
});

test("shellcheck passes on the template and on a rendered shim", () => {
  const world = setup();
  const rendered = renderShims({
    dir: "/home/o'brien/bin",
    dataDir: "/data dir/it's",
    platform: "posix",
    caoCommand: ["/usr/bin/node", "/opt/cao/dist/cli.js"],
  });
  const file = path.join(world.root, "rendered-shim");
  fs.writeFileSync(file, rendered.get("codex") ?? "");
  for (const target of [path.join(templatesDir, "codex-shim.sh"), file]) {
    const result = spawnSync("shellcheck", ["-s", "sh", target], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stdout);
  }
  // The quoted values survive as literal text.
  assert.match(rendered.get("codex") ?? "", /__cao_shim_dir='\/home\/o'\\''brien\/bin'/);
});

test("the Windows .cmd/.ps1 pair: the templates with the quoted paths filled in, and the .ps1 parses (tree-sitter: PowerShell cannot run here)", async () => {
  const rendered = renderShims({
    dir: "C:\\Users\\o'brien\\bin",
    dataDir: "C:\\Users\\o'brien\\.codex-account-orchestrator",
    platform: "windows",
    caoCommand: ["C:\\Program Files\\nodejs\\node.exe", "C:\\cao\\dist\\cli.js"],
  });
  assert.deepEqual([...rendered.keys()], ["codex.cmd", "codex.ps1"]);
  const snapshots = path.join(import.meta.dirname, "__snapshots__");
  const generated: string[] = [];
  for (const [name, text] of rendered) {
    const template = fs.readFileSync(
      path.join(templatesDir, `codex-shim.${path.extname(name).slice(1)}`),
      "utf8",
    );
    const { tokens, after } = generatedParts(template, text);
    assert.equal(after, "", name);
    generated.push(`## ${name}`, ...tokens);
    assert.match(text.split("\n").slice(0, 3).join("\n"), /cao-codex-shim/, `${name} carries the marker`);
  }
  matchSnapshot(snapshots, "shim-windows.txt", `${generated.join("\n")}\n`);
  // The rendered script (the template's @CAO_*@ tokens are not PowerShell until filled in).
  assert.deepEqual(await powershellSyntaxErrors(rendered.get("codex.ps1") ?? ""), []);
  // The check is real: a broken script is caught.
  assert.notDeepEqual(await powershellSyntaxErrors("if ($x) { & $y"), []);
});

test("autostart with the real gateway: the shim starts `cao gateway start --detach` and routes through it", async () => {
  const { startFakeBackend } = await import("../../src/demo/fake-backend/server.js");
  const backend = await startFakeBackend({
    accounts: [{ accountId: "acc-auto", email: "auto@example.com" }],
  });
  const world = setup();
  try {
    const home = path.join(world.dataDir, "work");
    fs.writeFileSync(path.join(home, "auth.json"), JSON.stringify(backend.mintAuth("acc-auto").authJson), {
      mode: 0o600,
    });
    fs.writeFileSync(
      path.join(world.dataDir, "registry.json"),
      JSON.stringify({ default_account: "work", accounts: ["work"] }),
    );
    // Port 0: a free port, whatever else runs on this machine; the upstream is the fake backend.
    fs.writeFileSync(
      path.join(world.dataDir, "gateway.json"),
      JSON.stringify({ port: 0, backendPort: 0, baseUrl: backend.upstreamBaseUrl }),
    );
    const env = { ...world.env, CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl };
    const enabled = await runCao(["gateway", "enable", "--autostart", "--shims-dir", world.shims], { env });
    assert.equal(enabled.code, 0, enabled.stderr);
    const result = runShim("dash", path.join(world.shims, "codex"), ["exec"], env);
    const state = fs.readFileSync(path.join(world.dataDir, ".state/gateway"), "utf8").trim().split(" ");
    assert.match(state[1] ?? "", /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    // The gateway's HTTPS side runs too: codex also gets it as chatgpt_base_url, and its CA.
    assert.match(state[4] ?? "", /^https:\/\/127\.0\.0\.1:\d+\/backend-api\/$/);
    assert.deepEqual(parseOutput(result.stdout).args, [
      "-c",
      `openai_base_url="${state[1]}"`,
      "-c",
      `chatgpt_base_url="${state[4]}"`,
      "exec",
    ]);
    // The gateway really answers there (the model list, asked with the account's own token).
    const auth = JSON.parse(fs.readFileSync(path.join(home, "auth.json"), "utf8")) as {
      tokens: { access_token: string };
    };
    const models = await fetch(`${state[1]}/models`, {
      headers: { authorization: `Bearer ${auth.tokens.access_token}` },
    });
    assert.equal(models.status, 200);
  } finally {
    await runCao(["gateway", "stop"], { env: world.env });
    await backend.close();
  }
});
