// Runs every test/bench/*.bench.ts in turn (or those matching the filters given).
import fs from "node:fs";
import path from "node:path";

const dir = import.meta.dirname;
const filters = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
for (const file of files) {
  console.log(`\n# ${file}`);
  await import(path.join(dir, file));
}
