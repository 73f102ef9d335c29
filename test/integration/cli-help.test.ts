import assert from "node:assert/strict";
import { test } from "node:test";
import type { CommandDef } from "citty";
import { rejectUnknownFlags, resolveCommand, resolveValue } from "../../src/cli/command-tree.js";
import { HELP_EXTRAS } from "../../src/cli/help-extras.js";
import { root } from "../../src/cli/root.js";
import { caoBin, runCao } from "../helpers/cli.js";
import { runInPty } from "../helpers/pty.js";
import { tempWorld } from "../helpers/temp.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escape codes
const ESCAPE = /\u001b\[/;
const BOLD_USAGE = "\u001b[1mUsage:";

function cao(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const world = tempWorld();
  return runCao(args, { env: { ...world.env, ...extraEnv } });
}

test("help through a pipe has no colour codes; FORCE_COLOR brings them back", async () => {
  const plain = await cao(["gateway", "start", "--help"], { NO_COLOR: "" });
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, ESCAPE, plain.stdout);
  const forced = await cao(["gateway", "start", "--help"], { FORCE_COLOR: "1" });
  assert.match(forced.stdout, ESCAPE, forced.stdout);
});

test("help on a terminal is coloured, and not with NO_COLOR", async () => {
  const world = tempWorld();
  const env: NodeJS.ProcessEnv = { ...world.env };
  delete env.NO_COLOR;
  const coloured = runInPty(`${process.execPath} ${caoBin} add --help`, env);
  assert.equal(await coloured.exit, 0, coloured.output());
  assert.ok(coloured.rawOutput().includes(BOLD_USAGE), JSON.stringify(coloured.rawOutput()));
  const plain = runInPty(`${process.execPath} ${caoBin} add --help`, { ...env, NO_COLOR: "1" });
  assert.equal(await plain.exit, 0, plain.output());
  assert.ok(!plain.rawOutput().includes(BOLD_USAGE), JSON.stringify(plain.rawOutput()));
});

test("nested help names the full command, the usage shows codex's args, boolean pairs read as one flag", async () => {
  const start = await cao(["gateway", "start", "--help"]);
  assert.match(start.stdout, /^Usage: cao gateway start \[OPTIONS\]$/m, start.stdout);
  const run = await cao(["run", "--help"]);
  assert.match(run.stdout, /^Usage: cao run \[OPTIONS\] \[-- CODEX_ARGS\]$/m, run.stdout);
  const add = await cao(["add", "--help"]);
  assert.match(add.stdout, /^ {2}--\[no-\]login +Run `codex login`/m, add.stdout);
  assert.doesNotMatch(add.stdout, /^ {2}--no-login/m, add.stdout);
  assert.match(add.stdout, /^Examples:\n {2}cao add work$/m, add.stdout);
  assert.match(add.stdout, /^Exit codes:\n/m, add.stdout);
  // A --no- form with a meaning of its own reads as a pair too, and says what it does.
  const enable = await cao(["gateway", "enable", "--help"]);
  assert.match(
    enable.stdout,
    /^ {2}--\[no-\]config +Also point .*; --no-config takes that block out again$/m,
    enable.stdout,
  );
  assert.match(
    enable.stdout,
    /^ {2}--\[no-\]autostart +.*; --no-autostart turns it off again$/m,
    enable.stdout,
  );
});

test("bare cao, cao gateway and cao import print their help with exit 0; cao help CMD is CMD --help", async () => {
  for (const [args, usage] of [
    [[], "Usage: cao <COMMAND>"],
    [["gateway"], "Usage: cao gateway <COMMAND>"],
    [["import"], "Usage: cao import <COMMAND>"],
  ] as const) {
    const result = await cao([...args]);
    assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
    assert.ok(result.stdout.includes(usage), `${args.join(" ")} printed:\n${result.stdout}`);
  }
  const viaHelp = await cao(["help", "gateway", "start"]);
  const viaFlag = await cao(["gateway", "start", "--help"]);
  assert.equal(viaHelp.code, 0, viaHelp.stderr);
  assert.equal(viaHelp.stdout, viaFlag.stdout);
});

test("unknown commands and options get a did-you-mean and exit 2", async () => {
  const cases: [string[], RegExp][] = [
    [["stauts"], /^error: unknown command "stauts"; did you mean `cao status`\?$/m],
    [["gateway", "strat"], /^error: unknown command "strat"; did you mean `cao gateway start`\?$/m],
    [["status", "--jsn"], /^error: unknown option --jsn; did you mean --json\?$/m],
    [["add", "x", "--no-logn"], /^error: unknown option --no-logn; did you mean --no-login\?$/m],
    [["gateway", "enable", "--no-confg"], /^error: unknown option --no-confg; did you mean --no-config\?$/m],
    [["zzzzzzzz"], /^error: unknown command "zzzzzzzz"$/m],
  ];
  for (const [args, expected] of cases) {
    const result = await cao(args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, expected);
  }
});

/** Every command path in the tree that a user can see. */
async function visibleCommandPaths(def: CommandDef, path: string[] = []): Promise<string[]> {
  const subCommands = def.subCommands ? await resolveValue(def.subCommands) : undefined;
  if (!subCommands) return [path.join(" ")];
  const paths = [path.join(" ")];
  for (const [name, sub] of Object.entries(subCommands)) {
    const subDef = (await resolveValue(sub)) as CommandDef;
    const meta = (subDef.meta ? await resolveValue(subDef.meta) : {}) as { hidden?: boolean };
    if (!meta.hidden) paths.push(...(await visibleCommandPaths(subDef, [...path, name])));
  }
  return paths;
}

test("every command's help has an example, and every example names real commands and flags", async () => {
  const tree = root as unknown as CommandDef;
  const paths = await visibleCommandPaths(tree);
  const missing = paths.filter((path) => !HELP_EXTRAS[path]?.examples?.length);
  assert.deepEqual(missing, [], "commands without an example in src/cli/help-extras.ts");
  for (const [path, extras] of Object.entries(HELP_EXTRAS)) {
    assert.ok(paths.includes(path), `help-extras names ${JSON.stringify(path)}, which is not a command`);
    for (const example of extras.examples ?? []) {
      const words = example.split(" ");
      if (words[0] !== "cao") continue; // `eval "$(cao init zsh)"`
      const own = words.slice(1, words.includes("--") ? words.indexOf("--") : undefined);
      const command = await resolveCommand(tree, own);
      await rejectUnknownFlags(command);
      assert.equal(command.isGroup, false, `${example}: names a group, not a command`);
    }
  }
});
