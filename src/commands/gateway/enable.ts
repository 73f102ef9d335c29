import { defineCommand } from "citty";
import { enableGateway } from "../../gateway-setup/enablement.js";
import { gatewayRouteUrl } from "../../gateway-setup/route-url.js";
import { log } from "../../terminal/log.js";
import { printJson, printOut } from "../../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "enable",
    description:
      "Route every `codex` through the gateway: install a codex shim on PATH (and the Desktop/IDE config)",
  },
  args: {
    "shims-dir": { type: "string", description: "Where to put the codex shim (default: ~/.local/bin)" },
    config: {
      type: "boolean",
      description: "Also point your main Codex config.toml at the gateway (Desktop app, IDE extensions)",
    },
    autostart: {
      type: "boolean",
      description: "Let the shim start a stopped gateway (else codex runs directly)",
    },
    json: { type: "boolean", description: "Print what was done as JSON" },
  },
  async run({ args }) {
    const report = enableGateway({
      shimsDir: args["shims-dir"],
      configUrl: args.config ? gatewayRouteUrl() : undefined,
      autostart: Boolean(args.autostart),
    });
    if (args.json) {
      printJson(report);
      return;
    }
    for (const shim of report.shims) printOut(`installed ${shim}`);
    if (report.config) {
      const backup = report.config.backup ? ` (previous version kept as ${report.config.backup})` : "";
      printOut(`${report.config.changed ? "updated" : "unchanged:"} ${report.config.file}${backup}`);
    }
    printOut(
      report.autostart
        ? "gateway routing on; codex starts the gateway when it is not running"
        : "gateway routing on while the gateway runs (`cao gateway start --detach`); otherwise codex runs directly",
    );
    if (report.pathProblem) {
      await log.warn(report.pathProblem);
    }
  },
});
