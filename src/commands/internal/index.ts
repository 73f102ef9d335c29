import { defineCommand } from "citty";

/** Calls the shell integration makes into Node, only when it must (never per prompt). */
export default defineCommand({
  meta: { name: "internal", description: "Used by the shell integration", hidden: true },
  subCommands: {
    resume: () => import("./resume.js").then((m) => m.default),
    "sync-config": () => import("./sync-config.js").then((m) => m.default),
    "sync-default": () => import("./sync-default.js").then((m) => m.default),
  },
});
