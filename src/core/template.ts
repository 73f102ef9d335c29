import fs from "node:fs";
import path from "node:path";
import { CaoError } from "./errors.js";

// shells/ and templates/ ship beside dist/ (and src/ in a checkout); this file
// sits one level down in both, and in the dist/bin bundles.
const packageRoot = path.resolve(import.meta.dirname, "../..");

/** The shell integration sources: `cao init`, `cao completion`. */
export const shellsDir = path.join(packageRoot, "shells");
/** The files cao writes for others: PATH shims, services, Codex's config block. */
export const templatesDir = path.join(packageRoot, "templates");

/**
 * A token: `::CAO::` (shells/, like starship's `::STARSHIP::`) or `@CAO_NAME@`
 * (templates/). A line that is only a comment starting with a token is
 * replaced whole, so the template lints as it is (the completion table).
 */
const TOKEN = /^[ \t]*# (?:::(CAO_[A-Z_]+)::|@(CAO_[A-Z_]+)@).*$|::(CAO(?:_[A-Z_]+)?)::|@(CAO_[A-Z_]+)@/gm;

/**
 * The one template renderer, for shells/ and templates/ alike. `values` must
 * already be quoted for the target language (src/core/quoting.ts). A token
 * without a value is a bug in the caller, thrown rather than written out.
 */
export function fillTemplate(text: string, values: Record<string, string>, name: string): string {
  const filled = (token: string, key: string) => {
    const value = values[key];
    if (value === undefined) throw new CaoError(`template ${name}: no value for ${token}`);
    return value;
  };
  // One pass: a value is never searched for tokens itself.
  return text.replace(TOKEN, (token: string, ...keys: (string | undefined)[]) =>
    filled(token.trim(), keys.slice(0, 4).find((key) => key !== undefined) as string),
  );
}

/** A file from shells/ or templates/, as it is. */
export function readTemplate(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, name), "utf8");
}

/** A file from templates/, filled in. */
export function renderTemplate(name: string, values: Record<string, string>): string {
  return fillTemplate(readTemplate(templatesDir, name), values, name);
}
