import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { TEMPLATE_TOKEN } from "../../src/core/template.js";

/**
 * Compares `text` with the snapshot file `dir/name` (UPDATE_SNAPSHOTS=1
 * rewrites it). Snapshots hold what cao generates, not the shells/ and
 * templates/ sources it copies: those are checked word for word by
 * generatedParts() instead, so a source edit means no snapshot diff.
 */
export function matchSnapshot(dir: string, name: string, text: string): void {
  const file = path.join(dir, name);
  if (process.env.UPDATE_SNAPSHOTS) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, text);
  }
  assert.equal(
    text,
    fs.readFileSync(file, "utf8"),
    `${name} differs from its snapshot (UPDATE_SNAPSHOTS=1 rewrites it)`,
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * What a rendering generated from `template`: each token's value (in order,
 * repeats of the same value once) and whatever follows the template's end.
 * Everything else must be the template word for word, or this fails.
 */
export function generatedParts(template: string, rendered: string): { tokens: string[]; after: string } {
  const literals: string[] = [];
  const tokens: string[] = [];
  let at = 0;
  for (const match of template.matchAll(TEMPLATE_TOKEN)) {
    literals.push(escapeRegExp(template.slice(at, match.index)));
    tokens.push(/::CAO\w*::|@CAO_\w+@/.exec(match[0])?.[0] ?? match[0]);
    at = match.index + match[0].length;
  }
  literals.push(escapeRegExp(template.slice(at)));
  const pattern = new RegExp(`^${literals.join("([\\s\\S]*?)")}([\\s\\S]*)$`);
  const found = pattern.exec(rendered);
  assert.ok(found, "the rendering is not its template with the tokens filled in");
  const values = new Map<string, string>();
  tokens.forEach((token, i) => {
    const value = found[i + 1] ?? "";
    const shown = value.includes("\n") ? `${token} =\n${value}` : `${token} = ${value}`;
    values.set(`${token}=${value}`, shown);
  });
  return { tokens: [...values.values()], after: found[tokens.length + 1] ?? "" };
}
