// Bundled into dist/bin/hot.cjs (see cao.ts). The ES-module CLI it falls back
// to is loaded whole: no module is shared between the two worlds, so no state
// or class identity (CaoError, the warnings queue) crosses between them.
import { runHotPath } from "../cli/hot-paths.js";

export async function main(argv: string[]): Promise<void> {
  if (await runHotPath(argv)) return;
  const runner: typeof import("../cli/runner.js") = await import(
    new URL("../cli/runner.js", import.meta.url).href
  );
  await runner.run(argv);
}
