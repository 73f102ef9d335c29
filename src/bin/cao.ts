#!/usr/bin/env node
// The published `cao` binary (dist/bin/cao.cjs), bundled by esbuild as
// CommonJS: on Node 20 an ES-module entry costs ~5 ms more and each builtin it
// imports ~2 ms more, most of cao's start-up budget. This file only picks a
// bundle, so a shell start (`cao init`) compiles just the init code:
//   init.cjs  `cao init SHELL`, printed on every shell start
//   hot.cjs   --version, status views, a plain `cao run`; anything else is
//             handed whole to the ES-module CLI in dist/cli/
import { createRequire } from "node:module";

interface BinEntry {
  main(argv: string[]): Promise<void>;
}

const argv = process.argv.slice(2);
const entry = createRequire(import.meta.url)(argv[0] === "init" ? "./init.cjs" : "./hot.cjs") as BinEntry;
entry.main(argv).catch((error: unknown) => {
  process.stderr.write(`cao: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
