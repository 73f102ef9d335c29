import fs from "node:fs";
import path from "node:path";
import { CaoError } from "../core/errors.js";

/** `templates/` ships next to `dist/` (and `src/` in a checkout). */
export const templatesDir = path.resolve(import.meta.dirname, "../../templates");

/**
 * Fills `@CAO_NAME@` tokens in a file from `templates/`. Values must already be
 * quoted for the target language (see the quoting helpers below). A token left
 * over is a bug in the caller, caught here rather than written to disk.
 */
export function renderTemplate(name: string, values: Record<string, string>): string {
  const text = fs.readFileSync(path.join(templatesDir, name), "utf8");
  const out = text.replace(/@(CAO_[A-Z_]+)@/g, (token, key: string) => {
    const value = values[key];
    if (value === undefined) throw new CaoError(`template ${name}: no value for ${token}`);
    return value;
  });
  return out;
}

/** A POSIX shell word: single quotes, with `'` written as `'\''`. */
export const shQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** A PowerShell verbatim string: single quotes, with `'` doubled. */
export const psQuote = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** One word of a systemd unit line (ExecStart=, Environment=), double-quoted with C escapes. */
export const systemdQuote = (value: string): string =>
  `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%").replaceAll("$", "$$")}"`;

export const xmlEscape = (value: string): string =>
  value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A TOML basic string; JSON's escapes are a subset TOML accepts. */
export const tomlString = (value: string): string => JSON.stringify(value);

/**
 * How generated files call cao back: this Node and this package's CLI, by
 * absolute path, so they work without `cao` on PATH (services, autostart).
 */
export function caoCommandArgs(): string[] {
  return [process.execPath, path.resolve(import.meta.dirname, "../cli.js")];
}
