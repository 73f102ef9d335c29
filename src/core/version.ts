import fs from "node:fs";
import path from "node:path";

/** Read from package.json next to dist/, so a release never prints a stale version. */
export function caoVersion(): string {
  const file = path.join(import.meta.dirname, "../../package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}
