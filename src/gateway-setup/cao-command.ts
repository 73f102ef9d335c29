import path from "node:path";

/**
 * How generated files call cao back: this Node and this package's CLI, by
 * absolute path, so they work without `cao` on PATH (services, autostart).
 */
export function caoCommandArgs(): string[] {
  return [process.execPath, path.resolve(import.meta.dirname, "../cli.js")];
}
