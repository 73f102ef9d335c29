import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "import",
    description:
      "Move existing Codex logins into cao accounts (from Codex, codex-auth and other multi-account tools)",
  },
  subCommands: {
    "codex-auth": () => import("./codex-auth.js").then((m) => m.default),
    codex: () => import("./codex.js").then((m) => m.default),
    cliproxyapi: () => import("./foreign.js").then((m) => m.foreignImportCommand("cliproxyapi")),
    ccs: () => import("./foreign.js").then((m) => m.foreignImportCommand("ccs")),
    "codex-multi-auth": () => import("./foreign.js").then((m) => m.foreignImportCommand("codex-multi-auth")),
    "codex-auth-registry": () =>
      import("./foreign.js").then((m) => m.foreignImportCommand("codex-auth-registry")),
    caam: () => import("./foreign.js").then((m) => m.foreignImportCommand("caam")),
    prodex: () => import("./foreign.js").then((m) => m.foreignImportCommand("prodex")),
  },
});
