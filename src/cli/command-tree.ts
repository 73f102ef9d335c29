import type { ArgsDef, CommandDef } from "citty";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { closest } from "../core/suggest.js";

export const resolveValue = async <T>(value: T | (() => T | Promise<T>) | Promise<T>): Promise<T> =>
  typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;

export interface ResolvedCommand {
  // biome-ignore lint/suspicious/noExplicitAny: citty types each command by its own args
  def: CommandDef<any>;
  /** The command words from the root: ["gateway", "start"]. */
  path: string[];
  /** The words after the command's own name (its flags and positionals). */
  rest: string[];
  /** Whether it has subcommands and none was named (`cao gateway`). */
  isGroup: boolean;
}

/** Walks the command words to the command they name; an unknown one is a usage error with a suggestion. */
// biome-ignore lint/suspicious/noExplicitAny: see ResolvedCommand.def
export async function resolveCommand(root: CommandDef<any>, words: string[]): Promise<ResolvedCommand> {
  let def = root;
  const path: string[] = [];
  let rest = words;
  for (;;) {
    const subCommands = def.subCommands ? await resolveValue(def.subCommands) : undefined;
    if (!subCommands) return { def, path, rest, isGroup: false };
    const argsDef = (def.args ? await resolveValue(def.args) : {}) as ArgsDef;
    const index = firstPositional(rest, argsDef);
    const name = index === -1 ? undefined : rest[index];
    if (name === undefined) return { def, path, rest, isGroup: true };
    const next = subCommands[name];
    if (!next) {
      const visible = await visibleNames(subCommands);
      const guess = closest(name, visible);
      const where = ["cao", ...path].join(" ");
      throw new CaoError(
        `unknown command ${JSON.stringify(name)}${guess ? `; did you mean \`${where} ${guess}\`?` : ""}`,
        ExitCode.usage,
        `see \`${where} --help\``,
      );
    }
    def = (await resolveValue(next)) as CommandDef;
    path.push(name);
    rest = rest.slice(index + 1);
  }
}

async function visibleNames(subCommands: Record<string, unknown>): Promise<string[]> {
  const names: string[] = [];
  for (const [name, sub] of Object.entries(subCommands)) {
    const def = (await resolveValue(sub as CommandDef)) as CommandDef;
    const meta = (def.meta ? await resolveValue(def.meta) : {}) as { hidden?: boolean };
    if (!meta.hidden) names.push(name);
  }
  return names;
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

export function findFlag(name: string, argsDef: ArgsDef): ArgsDef[string] | undefined {
  for (const [key, def] of Object.entries(argsDef)) {
    if (def.type === "positional") continue;
    const alias = "alias" in def ? def.alias : undefined;
    const aliases = Array.isArray(alias) ? alias : alias ? [alias] : [];
    if (camel(key) === camel(name) || aliases.includes(name)) return def;
  }
  return undefined;
}

/** citty silently ignores flags it does not know; a typo should not silently do the wrong thing. */
export async function rejectUnknownFlags(command: ResolvedCommand): Promise<void> {
  const argsDef = (command.def.args ? await resolveValue(command.def.args) : {}) as ArgsDef;
  const words = command.rest;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (!word.startsWith("-") || word === "-") continue;
    const name = word.replace(/^-{1,2}/, "").split("=", 1)[0] ?? "";
    const def = findFlag(name, argsDef) ?? negatedBoolean(name, argsDef);
    if (!def) {
      const guess = closest(name, flagNames(argsDef));
      throw new CaoError(
        `unknown option ${word.split("=", 1)[0]}${guess ? `; did you mean --${guess}?` : ""}`,
        ExitCode.usage,
        `see \`${["cao", ...command.path].join(" ")} --help\``,
      );
    }
    if (def.type !== "boolean" && !word.includes("=")) i++;
  }
}

/**
 * A boolean read as a pair, `--flag` / `--no-flag`: one that defaults to on,
 * or one whose `--no-` form means something of its own (`negativeDescription`:
 * `gateway enable --no-config` takes out what an earlier `--config` added).
 */
export function isFlagPair(def: ArgsDef[string]): boolean {
  return def.type === "boolean" && (def.default === true || def.negativeDescription !== undefined);
}

function flagNames(argsDef: ArgsDef): string[] {
  return Object.entries(argsDef).flatMap(([name, def]) => {
    if (def.type === "positional") return [];
    return isFlagPair(def) ? [name, `no-${name}`] : [name];
  });
}

function negatedBoolean(name: string, argsDef: ArgsDef): ArgsDef[string] | undefined {
  if (!name.startsWith("no-")) return undefined;
  const def = findFlag(name.slice(3), argsDef);
  return def?.type === "boolean" ? def : undefined;
}
