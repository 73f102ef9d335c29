import { defineCommand } from "citty";
import { disableGateway } from "../../gateway-setup/enablement.js";
import { log } from "../../terminal/log.js";
import { printJson, printOut } from "../../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "disable",
    description: "Undo `cao gateway enable`: remove the codex shim and the config block",
  },
  args: {
    "shims-dir": {
      type: "string",
      description: "Where the shim was installed (default: where enable put it)",
    },
    json: { type: "boolean", description: "Print what was done as JSON" },
  },
  async run({ args }) {
    const report = disableGateway({ shimsDir: args["shims-dir"] });
    if (args.json) {
      printJson(report);
      return;
    }
    for (const file of report.removed) printOut(`removed ${file}`);
    if (report.config.changed) printOut(`removed the cao gateway block from ${report.config.file}`);
    printOut("gateway routing off; codex runs directly");
    if (report.kept.length > 0) {
      await log.warn(`not cao shims, left as they are: ${report.kept.join(", ")}`);
    }
  },
});
