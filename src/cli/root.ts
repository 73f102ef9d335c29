import { type CommandDef, defineCommand } from "citty";
import { caoVersion } from "../core/version.js";

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
    add: () => import("../commands/add.js").then((m) => m.default),
    completion: () => import("../commands/completion.js").then((m) => m.completionCommand(commandTree)),
    config: () => import("../commands/config/index.js").then((m) => m.default),
    current: () => import("../commands/current.js").then((m) => m.default),
    demo: () => import("../commands/demo.js").then((m) => m.default),
    gateway: () => import("../commands/gateway/index.js").then((m) => m.default),
    import: () => import("../commands/import/index.js").then((m) => m.default),
    init: () => import("../commands/init.js").then((m) => m.initCommand(commandTree)),
    internal: () => import("../commands/internal/index.js").then((m) => m.default),
    list: () => import("../commands/list.js").then((m) => m.default),
    pause: () => import("../commands/pause.js").then((m) => m.default),
    pin: () => import("../commands/pin.js").then((m) => m.default),
    prompt: () => import("../commands/prompt.js").then((m) => m.default),
    remove: () => import("../commands/remove.js").then((m) => m.default),
    run: () => import("../commands/run.js").then((m) => m.default),
    sessions: () => import("../commands/sessions.js").then((m) => m.default),
    status: () => import("../commands/status.js").then((m) => m.default),
    statusline: () => import("../commands/statusline.js").then((m) => m.default),
    switch: () => import("../commands/switch.js").then((m) => m.default),
    top: () => import("../commands/top.js").then((m) => m.default),
    unpause: () => import("../commands/unpause.js").then((m) => m.default),
    usage: () => import("../commands/usage.js").then((m) => m.default),
    use: () => import("../commands/use.js").then((m) => m.default),
  },
});

/** The tree for `cao completion` and `cao init --install` (handed down, so the shell layer never imports the CLI). */
function commandTree(): CommandDef {
  // citty types each command by its own args; the walk reads any command's.
  return root as unknown as CommandDef;
}
