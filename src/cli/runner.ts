import type { ArgsDef, CommandDef } from "citty";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { codexArgs } from "../run/codex-args.js";
import { guarded } from "../terminal/report.js";
import { parseInvocation } from "./invocation.js";

/**
 * The full CLI: citty over the lazily loaded command tree (src/cli/root.ts).
 * The hot paths (src/cli/hot-paths.ts) have been tried first by the entry.
 */
export async function run(argv: string[]): Promise<void> {
  await guarded(async () => {
    const { own, passthrough } = parseInvocation(argv);
    codexArgs.passthrough = passthrough;
    const { root } = await import("./root.js");
    await dispatch(root, own);
  });
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
