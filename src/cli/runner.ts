import type { ArgsDef, CommandDef } from "citty";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { takeWarnings } from "../core/warnings.js";
import { cliContext } from "./context.js";
import { log } from "./log.js";
import { caoVersion } from "./version.js";

/**
 * Entry point. `cao --version` answers before citty or any command module is
 * loaded (it is on the start-up budget); everything after the first `--` is
 * kept away from citty, which would otherwise treat `--help` there as its own.
 */
export async function run(argv: string[]): Promise<void> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "-v")) {
    process.stdout.write(`${caoVersion()}\n`);
    return;
  }
  const dash = argv.indexOf("--");
  const own = dash === -1 ? [...argv] : argv.slice(0, dash);
  cliContext.passthrough = dash === -1 ? [] : argv.slice(dash + 1);
  try {
    applyDataDirFlag(own);
    if (own[0] === "status" && (await (await import("../status/show.js")).tryFastStatus(own.slice(1))))
      return;
    if (own[0] === "run" && (await (await import("../run/run-command.js")).tryFastRun(own.slice(1)))) return;
    const { root } = await import("./root.js");
    await dispatch(root, own);
  } catch (error) {
    await reportError(error);
  } finally {
    for (const message of takeWarnings()) await log.warn(message);
  }
}

/** `--data-dir DIR` is global: it may stand anywhere before `--` and becomes $CAO_HOME for everything cao starts. */
function applyDataDirFlag(own: string[]): void {
  for (let i = 0; i < own.length; i++) {
    const word = own[i] ?? "";
    if (word === "--data-dir" || word.startsWith("--data-dir=")) {
      const value = word === "--data-dir" ? own[i + 1] : word.slice("--data-dir=".length);
      if (!value) throw new CaoError("--data-dir needs a directory", ExitCode.usage);
      process.env.CAO_HOME = value;
      own.splice(i, word === "--data-dir" ? 2 : 1);
      i--;
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: citty's CommandDef is generic over each command's own args
async function dispatch(root: CommandDef<any>, own: string[]): Promise<void> {
  const { runCommand, showUsage } = await import("citty");
  const { leaf, parent, leafArgs } = await resolveLeaf(root, own);
  if (own.includes("--help") || own.includes("-h")) {
    await showUsage(leaf, parent);
    return;
  }
  await rejectUnknownFlags(leaf, leafArgs);
  try {
    await runCommand(root, { rawArgs: own });
  } catch (error) {
    throw translateCittyError(error);
  }
}

interface Resolved {
  leaf: CommandDef;
  parent: CommandDef | undefined;
  leafArgs: string[];
}

const resolveValue = async <T>(value: T | (() => T | Promise<T>) | Promise<T>): Promise<T> =>
  typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;

async function resolveLeaf(root: CommandDef, words: string[]): Promise<Resolved> {
  let leaf = root;
  let parent: CommandDef | undefined;
  let rest = words;
  for (;;) {
    const subCommands = leaf.subCommands ? await resolveValue(leaf.subCommands) : undefined;
    if (!subCommands) break;
    const argsDef = (leaf.args ? await resolveValue(leaf.args) : {}) as ArgsDef;
    const index = firstPositional(rest, argsDef);
    const name = index === -1 ? undefined : rest[index];
    if (name === undefined) break;
    const next = subCommands[name];
    if (!next) {
      throw new CaoError(`unknown command ${JSON.stringify(name)}`, ExitCode.usage, "see `cao --help`");
    }
    parent = leaf;
    leaf = (await resolveValue(next)) as CommandDef;
    rest = rest.slice(index + 1);
  }
  return { leaf, parent, leafArgs: rest };
}

function firstPositional(words: string[], argsDef: ArgsDef): number {
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (!word.startsWith("-")) return i;
    if (!word.includes("=") && takesValue(word, argsDef)) i++;
  }
  return -1;
}

function takesValue(flag: string, argsDef: ArgsDef): boolean {
  const def = findFlag(flag.replace(/^-{1,2}/, ""), argsDef);
  return def !== undefined && def.type !== "boolean";
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function findFlag(name: string, argsDef: ArgsDef): ArgsDef[string] | undefined {
  for (const [key, def] of Object.entries(argsDef)) {
    if (def.type === "positional") continue;
    const alias = "alias" in def ? def.alias : undefined;
    const aliases = Array.isArray(alias) ? alias : alias ? [alias] : [];
    if (camel(key) === camel(name) || aliases.includes(name)) return def;
  }
  return undefined;
}

/** citty silently ignores flags it does not know; a typo should not silently do the wrong thing. */
async function rejectUnknownFlags(leaf: CommandDef, words: string[]): Promise<void> {
  const argsDef = (leaf.args ? await resolveValue(leaf.args) : {}) as ArgsDef;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (!word.startsWith("-") || word === "-") continue;
    const name = word.replace(/^-{1,2}/, "").split("=", 1)[0] ?? "";
    const def = findFlag(name, argsDef) ?? negatedBoolean(name, argsDef);
    if (!def) {
      throw new CaoError(
        `unknown option ${word.split("=", 1)[0]}`,
        ExitCode.usage,
        "see `--help` for the options",
      );
    }
    if (def.type !== "boolean" && !word.includes("=")) i++;
  }
}

function negatedBoolean(name: string, argsDef: ArgsDef): ArgsDef[string] | undefined {
  if (!name.startsWith("no-")) return undefined;
  const def = findFlag(name.slice(3), argsDef);
  return def?.type === "boolean" ? def : undefined;
}

function translateCittyError(error: unknown): unknown {
  if (error instanceof Error && error.name === "CLIError") {
    // citty colours its messages; keep one plain line.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
    return new CaoError(error.message.replace(/\u001b\[[0-9;]*m/g, ""), ExitCode.usage, "see `--help`");
  }
  return error;
}

async function reportError(error: unknown): Promise<void> {
  if (error instanceof CaoError) {
    await log.error(error.hint ? `${error.message}\n  hint: ${error.hint}` : error.message);
    process.exitCode = error.exitCode;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  await log.error(`internal error: ${message}`);
  if (process.env.CAO_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = ExitCode.failure;
}
