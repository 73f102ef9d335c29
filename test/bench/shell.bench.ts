// The shell integration's costs, measured side by side in one run:
//   shell start: zsh + eval "$(cao init zsh)" vs `node -e 0` (target <= 1.25x),
//     with zoxide's init (the Debian package) as the reference
//   the cached init's added start-up time over a bare zsh (target < 5 ms)
//   the codex wrapper's added time per call over the same (fast) codex run directly (target < 2 ms)
//   processes started per prompt, counted with strace (target 0)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { caoBin } from "../helpers/cli.js";
import { compareCommands, printTable } from "./lib/measure.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "cao-bench-shell-"));
const home = path.join(root, "home");
const data = path.join(home, ".codex-account-orchestrator");
const bin = path.join(root, "bin");
fs.mkdirSync(path.join(data, "work"), { recursive: true });
fs.mkdirSync(path.join(data, ".state", "usage"), { recursive: true });
fs.mkdirSync(path.join(home, ".codex"), { recursive: true });
fs.writeFileSync(path.join(data, "work", "config.toml"), "");
fs.writeFileSync(path.join(data, ".state", "default"), "work\n");
fs.writeFileSync(
  path.join(data, ".state", "usage", "work"),
  `42 ${Math.floor(Date.now() / 1000) + 3600} - -\n`,
);
fs.mkdirSync(bin);
// A codex that costs next to nothing, so what is measured is the wrapper.
fs.symlinkSync("/bin/true", path.join(bin, "codex"));
fs.chmodSync(caoBin, 0o755);
fs.symlinkSync(caoBin, path.join(bin, "cao"));

const env: NodeJS.ProcessEnv = {
  ...process.env,
  HOME: home,
  CAO_HOME: data,
  PATH: `${bin}:${process.env.PATH}`,
};
for (const key of ["CODEX_HOME", "CAO_ACCOUNT", "CODEX_API_KEY", "CAO_CODEX_BIN", "XDG_CACHE_HOME"])
  delete env[key];

const render = (args: string[]) => {
  const result = spawnSync(path.join(bin, "cao"), args, { env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`cao ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
};
render(["init", "zsh", "--cached"]);
const cacheFile = path.join(home, ".cache", "cao", "init-zsh.zsh");
const hasZoxide = spawnSync("zoxide", ["--version"]).status === 0;

const zsh = (script: string) => ({ command: "zsh", args: ["-f", "-c", script], env });
printTable(
  "Shell start (zsh -f), ratio to `node -e 0`",
  compareCommands(
    [
      { name: "node -e 0", command: process.execPath, args: ["-e", "0"], env },
      { name: 'zsh: eval "$(cao init zsh)"', ...zsh('eval "$(cao init zsh)"') },
      ...(hasZoxide
        ? [{ name: 'zsh: eval "$(zoxide init zsh)" (reference)', ...zsh('eval "$(zoxide init zsh)"') }]
        : []),
    ],
    { runs: 30 },
  ),
  { ratio: 1.25, cases: ['zsh: eval "$(cao init zsh)"'] },
);

const bare = compareCommands(
  [
    { name: "zsh -f -c :", ...zsh(":") },
    { name: "zsh: . cached init", ...zsh(`. '${cacheFile}'`) },
  ],
  { runs: 60 },
);
printTable("Cached init, added start-up time", bare);
const addedCached = (bare[1]?.medianMs ?? 0) - (bare[0]?.medianMs ?? 0);
console.log(
  `cached init adds ${addedCached.toFixed(2)} ms (target < 5 ms: ${addedCached < 5 ? "met" : "MISSED"})`,
);

const CALLS = 200;
const wrapperInit = (shell: string) => {
  const file = path.join(root, `wrapper.${shell}`);
  fs.writeFileSync(file, render(["init", shell]));
  return file;
};
const loops: Record<string, (body: string) => [string, string[]]> = {
  bash: (body) => [
    "bash",
    ["--norc", "-c", `. '${wrapperInit("bash")}'; for i in {1..${CALLS}}; do ${body}; done`],
  ],
  zsh: (body) => ["zsh", ["-f", "-c", `. '${wrapperInit("zsh")}'; repeat ${CALLS} { ${body} }`]],
  fish: (body) => [
    "fish",
    ["--no-config", "-c", `source '${wrapperInit("fish")}'; for i in (seq ${CALLS}); ${body}; end`],
  ],
};
for (const [shell, loop] of Object.entries(loops)) {
  const [command, directArgs] = loop("command codex");
  const [, wrappedArgs] = loop("codex");
  const calls = compareCommands(
    [
      { name: `${shell}: ${CALLS} x codex (/bin/true) directly`, command, args: directArgs, env },
      { name: `${shell}: ${CALLS} x the codex function`, command, args: wrappedArgs, env },
    ],
    { runs: 10, warmup: 1 },
  );
  printTable(`codex wrapper in ${shell}, per call`, calls);
  const perCall = ((calls[1]?.medianMs ?? 0) - (calls[0]?.medianMs ?? 0)) / CALLS;
  console.log(
    `${shell}: the wrapper adds ${perCall.toFixed(3)} ms per call (target < 2 ms: ${perCall < 2 ? "met" : "MISSED"})`,
  );
}

// Processes per prompt: strace the prompt hook 10 times in each shell.
const promptInit = (shell: string) => {
  const file = path.join(root, `prompt.${shell}`);
  fs.writeFileSync(file, render(["init", shell, "--prompt"]));
  return file;
};
const cycles: Record<string, [string, string[]]> = {
  bash: [
    "bash",
    [
      "--norc",
      "-c",
      `. '${promptInit("bash")}'; for i in 1 2 3 4 5 6 7 8 9 10; do __cao_prompt_command; done`,
    ],
  ],
  zsh: [
    "zsh",
    ["-f", "-c", `. '${promptInit("zsh")}'; repeat 10 { for f in $precmd_functions; do $f; done }`],
  ],
  fish: [
    "fish",
    [
      "--no-config",
      "-c",
      `source '${promptInit("fish")}'; for i in (seq 10); emit fish_prompt; fish_right_prompt >/dev/null; end`,
    ],
  ],
};
console.log("\n## Processes started per prompt (strace -f, 10 prompts, shell start excluded)");
for (const [shell, [command, args]] of Object.entries(cycles)) {
  const log = path.join(root, `strace-${shell}`);
  spawnSync("strace", ["-f", "-e", "trace=execve,fork,vfork,clone,clone3", "-o", log, command, ...args], {
    env,
  });
  const lines = fs.readFileSync(log, "utf8").split("\n");
  // The shell's own exec, `seq` in fish's loop header (not the prompt), and threads do not count.
  const spawned = lines.filter(
    (l) => /\b(execve|fork|vfork|clone3?)\(/.test(l) && !l.includes("CLONE_THREAD") && !l.includes("resumed"),
  );
  const prompts = spawned.length - 1 - (shell === "fish" ? 2 : 0);
  console.log(`${shell}: ${prompts / 10} per prompt (target 0: ${prompts === 0 ? "met" : "MISSED"})`);
}

fs.rmSync(root, { recursive: true, force: true });
