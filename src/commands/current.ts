import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "current",
    description: "Show the account codex uses here (shell choice > directory pin > default)",
  },
  args: {
    json: { type: "boolean", description: "Print {name, source} as JSON" },
  },
  async run({ args }) {
    const { resolveActiveAccount } = await import("../core/active-account.js");
    const { printJson, printOut } = await import("../terminal/stdout.js");
    const active = resolveActiveAccount();
    if (args.json) {
      printJson(active ?? { name: null, source: null });
      return;
    }
    if (!active) {
      const { CaoError } = await import("../core/errors.js");
      throw new CaoError("no default account set", 1, "pick one with `cao use NAME` or `cao switch`");
    }
    printOut(active.name);
  },
});
