// Bundled into dist/bin/init.cjs (see cao.ts): `cao init SHELL` runs on every
// shell start, so this bundle holds the init fast path and nothing else.
// --install, --uninstall, a bad shell name...: the full CLI answers.
import { initFastPath } from "../shell/init-fast.js";

export const serve = (argv: string[]): Promise<boolean> => initFastPath(argv.slice(1));
