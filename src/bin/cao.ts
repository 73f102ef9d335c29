#!/usr/bin/env node
// The published `cao` binary (dist/bin/cao.cjs), bundled by esbuild as
// CommonJS: on Node 20 an ES-module entry costs ~5 ms more and each builtin it
// imports ~2 ms more, most of cao's start-up budget. This file picks a bundle
// (scripts/build-bundles.mjs), so a shell start compiles just the init code,
// and loads it through the V8 code cache (code-cache.ts):
//   init.cjs  `cao init SHELL`, printed on every shell start
//   hot.cjs   --version, status views, a plain `cao run`
// What the bundle does not serve goes whole to the ES-module CLI in dist/cli/.
import { requireBundle } from "./code-cache.js";

async function main(argv: string[]): Promise<void> {
  const bundle = requireBundle(`${import.meta.dirname}/${argv[0] === "init" ? "init" : "hot"}.cjs`, argv);
  if (await bundle.serve(argv)) return;
  const runner: typeof import("../cli/runner.js") = await import(
    new URL("../cli/runner.js", import.meta.url).href
  );
  await runner.run(argv);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`cao: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
