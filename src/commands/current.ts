import { defineCommand } from "citty";
import { resolveActiveAccount } from "../core/active-account.js";
import { CaoError } from "../core/errors.js";
import { printJson, printOut } from "../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "current",
    description: "Show the account codex uses here (shell choice > directory pin > default)",
  },
  args: {
    json: { type: "boolean", description: "Print {name, source} as JSON" },
  },
  async run({ args }) {
    const active = resolveActiveAccount();
    if (args.json) {
      printJson(active ?? { name: null, source: null });
      return;
    }
    if (!active) {
      throw new CaoError("no default account set", 1, "pick one with `cao use NAME` or `cao switch`");
    }
    printOut(active.name);
  },
});
