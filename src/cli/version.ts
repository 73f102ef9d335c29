import fs from "node:fs";

/** Read from package.json next to dist/, so a release never prints a stale version. */
export function caoVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}
