// Bundled into dist/bin/hot.cjs (see cao.ts): the invocations on a start-up
// budget. The ES-module CLI that answers the rest is loaded whole by cao.ts: no
// module is shared between the two worlds, so no state or class identity
// (CaoError, the warnings queue) crosses between them.
export { runHotPath as serve } from "../cli/hot-paths.js";
