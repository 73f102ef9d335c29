import type { ArgsDef, CommandDef } from "citty";
import { SHELLS } from "./shells.js";

/** One command of the tree, as the completion scripts see it. */
export interface CompletionEntry {
  /** Words from `cao` to this command ("" for cao itself, "gateway start", ...). */
  path: string;
  /** Subcommands and flags offered after it. */
  words: string[];
  /** Whether its positional is an existing account's name. */
  takesAccount: boolean;
}

/** Commands whose name argument is a new account, not an existing one. */
const NEW_ACCOUNT_COMMANDS = new Set(["add"]);

type Resolvable<T> = T | Promise<T> | (() => T | Promise<T>);
const resolve = async <T>(value: Resolvable<T>): Promise<T> =>
  typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;

/** Walks the command tree (loading each command definition, which imports only citty). */
export async function completionEntries(
  root: CommandDef,
  inherited: string[] = [],
): Promise<CompletionEntry[]> {
  const walk = async (
    command: CommandDef,
    path: string,
    globalFlags: string[],
  ): Promise<CompletionEntry[]> => {
    const args = (command.args ? await resolve(command.args) : {}) as ArgsDef;
    const flags = flagWords(args);
    const subCommands = command.subCommands ? await resolve(command.subCommands) : {};
    const children: string[] = [];
    const nested: CompletionEntry[] = [];
    for (const [name, sub] of Object.entries(subCommands)) {
      const def = (await resolve(sub)) as CommandDef;
      const meta = def.meta ? await resolve(def.meta) : undefined;
      if (meta?.hidden) continue;
      children.push(name);
      nested.push(...(await walk(def, path ? `${path} ${name}` : name, globalFlags)));
    }
    const name = path.split(" ").at(-1) ?? "";
    const takesAccount =
      !NEW_ACCOUNT_COMMANDS.has(name) &&
      Object.entries(args).some(
        ([key, def]) => def.type === "positional" && (key === "name" || key === "account"),
      );
    // `cao init SHELL`, `cao completion SHELL`.
    const shells = "shell" in args && args.shell?.type === "positional" ? [...SHELLS] : [];
    const words = [...children, ...shells, ...flags, ...globalFlags, "--help"];
    return [{ path, words: [...new Set(words)], takesAccount }, ...nested];
  };
  return walk(root, "", inherited);
}

function flagWords(args: ArgsDef): string[] {
  const words: string[] = [];
  for (const [key, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    words.push(`--${key}`);
    const alias = "alias" in def ? def.alias : undefined;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) {
      words.push(a.length === 1 ? `-${a}` : `--${a}`);
    }
  }
  return words;
}
