// Bundled into dist/bin/init.cjs (see cao.ts): `cao init SHELL` runs on every
// shell start, so this bundle holds the init fast path and nothing else.
import { createRequire } from "node:module";
import { initFastPath } from "../shell/init-fast.js";

export async function main(argv: string[]): Promise<void> {
  if (await initFastPath(argv.slice(1))) return;
  // --install, --uninstall, a bad shell name...: the hot bundle and the full CLI answer.
  const hot = createRequire(import.meta.url)("./hot.cjs") as { main(argv: string[]): Promise<void> };
  await hot.main(argv);
}
