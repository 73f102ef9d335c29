import { defineCommand } from "citty";
import { caoVersion } from "./version.js";

/**
 * The command tree. Each entry is imported only when it runs (or for --help),
 * so listing commands costs nothing on the start-up path.
 */
export const root = defineCommand({
  meta: {
    name: "cao",
    version: caoVersion(),
    description: "Use several ChatGPT accounts with the Codex CLI as if they were one",
  },
  args: {
    "data-dir": {
      type: "string",
      description: "Data directory (default: $CAO_HOME or ~/.codex-account-orchestrator)",
    },
  },
  subCommands: {
    current: () => import("../commands/current.js").then((m) => m.default),
    list: () => import("../commands/list.js").then((m) => m.default),
    use: () => import("../commands/use.js").then((m) => m.default),
  },
});
