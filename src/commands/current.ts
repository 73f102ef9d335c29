import { defineCommand } from "citty";
import { resolveActiveAccount } from "../core/active-account.js";
import { CaoError } from "../core/errors.js";
import { loadRegistry } from "../core/registry.js";
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
      // No account applies here: exit 1 with and without --json, so scripts can test either.
      if (!active) process.exitCode = 1;
      return;
    }
    if (!active) {
      const none = loadRegistry().accounts.length === 0;
      throw new CaoError(
        none ? "no accounts yet" : "no default account set",
        1,
        none ? "add one with `cao add NAME`" : "pick one with `cao use NAME` or `cao switch`",
      );
    }
    printOut(active.name);
  },
});
