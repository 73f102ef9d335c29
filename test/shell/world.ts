import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import { renderShims } from "../../src/gateway-setup/shims.js";
import { caoBin, type RunResult, repoRoot, runProcess } from "../helpers/cli.js";
import { scaled } from "../helpers/deadline.js";
import { tempWorld } from "../helpers/temp.js";

/** The shells whose init scripts run here for real (PowerShell is only parse-checked). */
export const REAL_SHELLS = ["bash", "zsh", "fish"] as const;
export type RealShell = (typeof REAL_SHELLS)[number];

export const fakeCodex = path.join(repoRoot, "test/shell/fixtures/fake-codex");

/** `cao init` renders the path cao was started as when it is executable; npm makes bins executable, tsc does not. */
export function ensureCaoExecutable(): void {
  fs.chmodSync(caoBin, 0o755);
}

export interface ShellWorld {
  root: string;
  home: string;
  data: string;
  codexHome: string;
  /** On PATH first: `codex` (the fake) and `cao`. */
  bin: string;
  env: NodeJS.ProcessEnv;
}

/** An isolated HOME and data dir, the fake codex first on PATH, and accounts as cao lays them out. */
export function shellWorld(
  options: { dataDirName?: string; accounts?: string[]; defaultAccount?: string } = {},
): ShellWorld {
  ensureCaoExecutable();
  const world = tempWorld();
  const data = options.dataDirName ? path.join(world.root, options.dataDirName) : world.dataDir;
  const bin = path.join(world.root, "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(fakeCodex, path.join(bin, "codex"));
  fs.symlinkSync(caoBin, path.join(bin, "cao"));
  fs.mkdirSync(world.codexHome, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...world.env, CAO_HOME: data, PATH: `${bin}:${process.env.PATH}` };
  for (const key of ["PROMPT_COMMAND", "PS1", "RPROMPT", "CAO_PROMPT", "FAKE_CODEX_EXIT"]) delete env[key];
  const result = { root: world.root, home: world.home, data, codexHome: world.codexHome, bin, env };
  for (const name of options.accounts ?? []) addAccount(result, name);
  if (options.defaultAccount !== undefined) setDefault(result, options.defaultAccount);
  return result;
}

export function addAccount(world: ShellWorld, name: string): void {
  const home = path.join(world.data, name);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(home, "config.toml"), 'cli_auth_credentials_store = "file"\n');
  const registryFile = path.join(world.data, "registry.json");
  const registry = fs.existsSync(registryFile)
    ? JSON.parse(fs.readFileSync(registryFile, "utf8"))
    : { default_account: null, accounts: [] };
  registry.accounts.push(name);
  fs.writeFileSync(registryFile, JSON.stringify(registry));
  fs.mkdirSync(path.join(world.data, ".state"), { recursive: true });
  fs.writeFileSync(
    path.join(world.data, ".state", "accounts"),
    registry.accounts.map((a: string) => `${a}\n`).join(""),
  );
}

export function setDefault(world: ShellWorld, name: string): void {
  fs.mkdirSync(path.join(world.data, ".state"), { recursive: true });
  fs.writeFileSync(path.join(world.data, ".state", "default"), `${name}\n`);
  const registryFile = path.join(world.data, "registry.json");
  const registry = JSON.parse(fs.readFileSync(registryFile, "utf8"));
  registry.default_account = name;
  fs.writeFileSync(registryFile, JSON.stringify(registry));
}

/** Runs `cao init SHELL FLAGS` with the world's env and saves the script to a file. */
export async function writeInit(
  world: ShellWorld,
  shell: string,
  flags: string[] = [],
  cao = caoBin,
): Promise<string> {
  const result = await run(cao, ["init", shell, ...flags], { env: world.env });
  if (result.code !== 0) throw new Error(`cao init ${shell} failed: ${result.stderr}`);
  const file = path.join(
    world.root,
    `init-${shell}${flags.join("")}.${shell === "powershell" ? "ps1" : shell}`,
  );
  fs.writeFileSync(file, result.stdout);
  return file;
}

/**
 * Runs a script in the real shell. bash and zsh run with strict flags
 * (errexit, nounset, pipefail) and no rc files; fish has no such flags and
 * runs without config. Paths reach the script through the environment, so
 * nothing needs quoting here.
 */
export function runShell(
  shell: RealShell,
  script: string,
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<RunResult> {
  const argv: Record<RealShell, string[]> = {
    bash: ["bash", "--norc", "--noprofile", "-euo", "pipefail", "-c", script],
    zsh: ["zsh", "-f", "-euo", "pipefail", "-c", script],
    fish: ["fish", "--no-config", "-c", script],
  };
  const [command, ...args] = argv[shell];
  return run(command!, args, { env, cwd });
}

/** Runs a process with stdin from /dev/null and collects its output. */
export function run(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string | undefined },
): Promise<RunResult> {
  return runProcess(command, args, { env: options.env, cwd: options.cwd, timeoutMs: 30_000, noStdin: true });
}

/** `source "$INIT"` in each shell's syntax. */
export const sourceInit = (shell: RealShell): string => (shell === "fish" ? 'source "$INIT"' : '. "$INIT"');

/** Parses the fake codex's report: KEY=value lines, ARG lines collected in order. */
export function parseReport(stdout: string): { values: Record<string, string>; args: string[] } {
  const values: Record<string, string> = {};
  const args: string[] = [];
  for (const line of stdout.replace(/\r/g, "").split("\n")) {
    const eq = line.indexOf("=");
    if (eq === -1) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === "ARG") args.push(value);
    else values[key] = value;
  }
  return { values, args };
}

/** capture-pane drops trailing spaces, so the patterns end at the completed word. */
export async function typeInTmux(
  env: NodeJS.ProcessEnv,
  socket: string,
  shell: string[],
  steps: { keys: string[]; done: RegExp }[],
): Promise<string> {
  const tmux = (...args: string[]) => run("tmux", ["-S", socket, ...args], { env });
  await tmux("new-session", "-d", "-x", "160", "-y", "20", ...shell);
  let screen = "";
  try {
    for (const step of steps) {
      await tmux("send-keys", "--", ...step.keys);
      const deadline = Date.now() + scaled(10_000);
      for (;;) {
        screen = (await tmux("capture-pane", "-p")).stdout;
        if (step.done.test(screen) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(screen, step.done);
    }
  } finally {
    await tmux("kill-server");
  }
  return screen;
}

/**
 * A table of cases run in every real shell: one describe per shell, the init script rendered once
 * per shell (in a world that lives as long as the file's tests), one test per case.
 */
export function describeInEveryShell<T extends { name: string }>(
  table: string,
  cases: readonly T[],
  body: (shell: RealShell, init: string, testCase: T) => Promise<void>,
): void {
  const initWorld = shellWorld();
  for (const shell of REAL_SHELLS) {
    describe(`${shell}: ${table}`, () => {
      let init = "";
      before(async () => {
        init = await writeInit(initWorld, shell);
      });
      for (const testCase of cases) test(testCase.name, () => body(shell, init, testCase));
    });
  }
}

/** The POSIX PATH shim as `cao gateway enable` writes it, in `root/shims`, the fake codex in `root/real-bin`. */
export function writeTestShim(
  root: string,
  dataDir: string,
  caoCommand: string[],
): { shim: string; realBin: string } {
  const shims = path.join(root, "shims");
  const realBin = path.join(root, "real-bin");
  fs.mkdirSync(shims);
  fs.mkdirSync(realBin);
  fs.symlinkSync(fakeCodex, path.join(realBin, "codex"));
  const rendered = renderShims({ dir: shims, dataDir, platform: "posix", caoCommand });
  fs.writeFileSync(path.join(shims, "codex"), rendered.get("codex") ?? "", { mode: 0o755 });
  return { shim: path.join(shims, "codex"), realBin };
}
