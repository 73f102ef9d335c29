#!/usr/bin/env node
// The published `cao` binary, bundled by esbuild into one CommonJS file
// (dist/bin/cao.cjs). On Node 20 an ES-module entry costs ~5 ms more than a
// CommonJS one and each builtin it imports ~2 ms more; on the hot paths
// (every shell start, prompts, `cao status`, `cao run`) that was most of
// cao's start-up budget. Everything else loads the ES-module CLI next door,
// whole: no module is shared between the two, so no state or class identity
// (CaoError, the warnings queue) crosses between them.
import { runHotPath } from "../cli/hot-paths.js";

const argv = process.argv.slice(2);
runHotPath(argv)
  .then(async (served) => {
    if (served) return;
    const runner: typeof import("../cli/runner.js") = await import(
      new URL("../cli/runner.js", import.meta.url).href
    );
    await runner.run(argv);
  })
  .catch((error: unknown) => {
    process.stderr.write(`cao: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
