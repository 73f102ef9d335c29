import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/cli.js";

/** Every source and test file, to check what they cite about Codex. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "__snapshots__" ? [] : sourceFiles(full);
    return /\.(ts|mjs|sh|zsh|fish|ps1)$/.test(entry.name) ? [full] : [];
  });
}

test("code cites Codex facts from docs/codex-notes.md, by sections that exist there", () => {
  const notes = fs.readFileSync(path.join(repoRoot, "docs/codex-notes.md"), "utf8");
  const sections = new Set([...notes.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]));
  const problems: string[] = [];
  for (const file of ["src", "test", "shells", "templates"].flatMap((d) =>
    sourceFiles(path.join(repoRoot, d)),
  )) {
    const text = fs.readFileSync(file, "utf8");
    const where = path.relative(repoRoot, file);
    // The old notes outside the repository, which a reader of it cannot open.
    if (/codex-facts/.test(text) && !where.endsWith("codex-notes-citations.test.ts"))
      problems.push(`${where} cites codex-facts`);
    for (const [, section] of text.matchAll(/codex-notes\.md, "([^"]+)"/g)) {
      if (!sections.has(section!)) problems.push(`${where} cites a section that is not there: "${section}"`);
    }
  }
  assert.deepEqual(problems, []);
});
