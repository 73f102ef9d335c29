import type { ArgDef, ArgsDef, CommandDef } from "citty";
import { painter } from "../terminal/colour.js";
import { isFlagPair, type ResolvedCommand, resolveValue } from "./command-tree.js";
import { HELP_EXTRAS } from "./help-extras.js";

/**
 * cao's own help page (citty's pads and colours unconditionally): the full
 * command path ("cao gateway start"), `--[no-]flag` for a boolean pair, short
 * placeholders, then the examples, environment and exit codes that apply.
 * Colour only on a terminal, never with NO_COLOR.
 */
export async function renderHelp(command: ResolvedCommand): Promise<string> {
  const paint = painter(1);
  const heading = (text: string) => paint("bold", text);
  const def = command.def;
  const meta = (def.meta ? await resolveValue(def.meta) : {}) as { description?: string };
  const args = (def.args ? await resolveValue(def.args) : {}) as ArgsDef;
  const subCommands = def.subCommands ? await resolveValue(def.subCommands) : undefined;
  const pathText = ["cao", ...command.path].join(" ");
  const extras = HELP_EXTRAS[command.path.join(" ")] ?? {};

  const positionals = Object.entries(args).filter(([, arg]) => arg.type === "positional");
  const options = Object.entries(args).filter(([, arg]) => arg.type !== "positional");
  const usage = [
    pathText,
    subCommands ? "<COMMAND>" : "",
    options.length > 0 ? "[OPTIONS]" : "",
    ...positionals.map(([name, arg]) =>
      arg.required ? `<${name.toUpperCase()}>` : `[${name.toUpperCase()}]`,
    ),
    extras.usageTail ?? "",
  ].filter(Boolean);

  const out: string[] = [];
  if (meta.description) out.push(meta.description, "");
  out.push(`${heading("Usage:")} ${usage.join(" ")}`);

  if (subCommands) {
    const rows: [string, string][] = [];
    for (const [name, sub] of Object.entries(subCommands)) {
      const subDef = (await resolveValue(sub)) as CommandDef;
      const subMeta = (subDef.meta ? await resolveValue(subDef.meta) : {}) as {
        description?: string;
        hidden?: boolean;
      };
      if (!subMeta.hidden) rows.push([name, subMeta.description ?? ""]);
    }
    out.push("", heading("Commands:"), ...table(rows, paint));
  }
  if (positionals.length > 0) {
    out.push("", heading("Arguments:"));
    out.push(
      ...table(
        positionals.map(([name, arg]) => [name.toUpperCase(), arg.description ?? ""]),
        paint,
      ),
    );
  }
  const optionRows = options.map(
    ([name, arg]) => [optionLabel(name, arg), optionText(name, arg)] as [string, string],
  );
  optionRows.push(["-h, --help", "Show this help"]);
  if (command.path.length === 0) optionRows.push(["--version", "Print cao's version"]);
  out.push("", heading("Options:"), ...table(optionRows, paint));
  if (extras.examples?.length) {
    out.push("", heading("Examples:"), ...extras.examples.map((line) => `  ${line}`));
  }
  if (extras.notes?.length) out.push("", ...extras.notes);
  if (extras.env?.length) out.push("", heading("Environment:"), ...table(extras.env, paint));
  if (extras.exitCodes?.length) out.push("", heading("Exit codes:"), ...table(extras.exitCodes, paint));
  if (subCommands) out.push("", `See \`${pathText} <COMMAND> --help\` for a command's options.`);
  else if (command.path.length > 0) out.push("", "Global options: --data-dir DIR (or $CAO_HOME).");
  return `${out.join("\n")}\n`;
}

function optionLabel(name: string, arg: ArgDef): string {
  const aliases = "alias" in arg && arg.alias ? [arg.alias].flat() : [];
  const short = aliases.filter((alias) => alias.length === 1).map((alias) => `-${alias}, `);
  if (arg.type === "boolean") {
    // A pair: --login / --no-login.
    return `${short.join("")}${isFlagPair(arg) ? `--[no-]${name}` : `--${name}`}`;
  }
  return `${short.join("")}--${name} ${arg.valueHint ?? placeholder(name)}`;
}

/** What a value looks like, by the flag's last word; otherwise that word ("base-url" → URL, "shims-dir" → DIR). */
const PLACEHOLDERS: Record<string, string> = {
  account: "NAME",
  bind: "ADDRESS",
  codex: "PATH",
  default: "NAME",
  delay: "SECONDS",
  lines: "N",
  passes: "N",
  retries: "N",
  source: "DIR",
  threshold: "PERCENT",
};

function placeholder(name: string): string {
  const last = name.split("-").at(-1) ?? name;
  return PLACEHOLDERS[last] ?? last.toUpperCase();
}

function optionText(name: string, arg: ArgDef): string {
  // What the --no- form does, when it does something of its own (isFlagPair).
  const negative =
    arg.type === "boolean" && arg.negativeDescription ? `; --no-${name} ${arg.negativeDescription}` : "";
  const description = `${arg.description ?? ""}${negative}`;
  if (arg.type === "boolean" || arg.default === undefined || description.includes("default"))
    return description;
  return `${description} (default ${String(arg.default)})`;
}

const COLUMN_CAP = 30;

function table(rows: readonly (readonly [string, string])[], paint: ReturnType<typeof painter>): string[] {
  const width = Math.min(COLUMN_CAP, Math.max(0, ...rows.map(([left]) => left.length)));
  return rows.map(([left, right]) => {
    const label = paint("cyan", left);
    if (!right) return `  ${label}`;
    if (left.length > width) return `  ${label}\n  ${" ".repeat(width + 2)}${right}`;
    return `  ${label}${" ".repeat(width - left.length + 2)}${right}`;
  });
}
