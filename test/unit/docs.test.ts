import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/cli.js";

const README = path.join(repoRoot, "README.md");
const docs = () =>
  fs
    .readdirSync(path.join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => path.join(repoRoot, "docs", name));

test("the README stays a five-minute read: under 15 KB, the rest in docs/", () => {
  const size = fs.statSync(README).size;
  assert.ok(size < 15 * 1024, `README.md is ${size} bytes`);
});

test("every relative link in the README and docs/ points at a file that exists", () => {
  const broken: string[] = [];
  for (const file of [README, ...docs()]) {
    const text = fs.readFileSync(file, "utf8");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!target || /^[a-z]+:/.test(target) || target.startsWith("#")) continue;
      const resolved = path.resolve(path.dirname(file), target.split("#")[0] ?? "");
      if (!fs.existsSync(resolved)) broken.push(`${path.relative(repoRoot, file)} -> ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

test("every doctor code the checks can report is in the table in docs/status.md", () => {
  const dir = path.join(repoRoot, "src/status/doctor");
  const codes = new Set<string>();
  for (const name of fs.readdirSync(dir)) {
    const source = fs.readFileSync(path.join(dir, name), "utf8");
    for (const [, code] of source.matchAll(/code: "([a-z-]+)"/g)) if (code) codes.add(code);
  }
  assert.ok(codes.size >= 15, `found only ${[...codes]}`);
  const table = fs.readFileSync(path.join(repoRoot, "docs/status.md"), "utf8");
  const missing = [...codes].filter((code) => !table.includes(`\`${code}\``));
  assert.deepEqual(missing, [], "doctor codes missing from docs/status.md");
});
