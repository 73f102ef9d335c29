import { defineCommand } from "citty";

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
    const { disableGateway } = await import("../../gateway-setup/enablement.js");
    const { printJson, printOut } = await import("../../terminal/stdout.js");
    const report = disableGateway({ shimsDir: args["shims-dir"] });
    if (args.json) {
      printJson(report);
      return;
    }
    for (const file of report.removed) printOut(`removed ${file}`);
    if (report.config.changed) printOut(`removed the cao gateway block from ${report.config.file}`);
    printOut("gateway routing off; codex runs directly");
    if (report.kept.length > 0) {
      const { log } = await import("../../terminal/log.js");
      await log.warn(`not cao shims, left as they are: ${report.kept.join(", ")}`);
    }
  },
});
