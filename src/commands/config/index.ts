import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "config",
    description:
      "Read and change cao's settings (<data dir>/cao.toml: reserves, pauses, priorities, notifications)",
  },
  subCommands: {
    get: () => import("./get.js").then((m) => m.default),
    set: () => import("./set.js").then((m) => m.default),
    unset: () => import("./unset.js").then((m) => m.default),
    list: () => import("./list.js").then((m) => m.default),
  },
});
