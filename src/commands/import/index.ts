import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "import", description: "Move existing Codex logins into cao accounts" },
  subCommands: {
    "codex-auth": () => import("./codex-auth.js").then((m) => m.default),
    codex: () => import("./codex.js").then((m) => m.default),
  },
});
