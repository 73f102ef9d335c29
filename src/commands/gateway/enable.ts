import { defineCommand } from "citty";
import { type EnableReport, enableGateway } from "../../gateway-setup/enablement.js";
import { log } from "../../terminal/log.js";
import { printJson, printOut } from "../../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "enable",
    description:
      "Route every `codex` through the gateway: install a codex shim on PATH (and the Desktop/IDE config)",
  },
  args: {
    "shims-dir": {
      type: "string",
      description: "Where to put the codex shim (default: where the last enable put it, else ~/.local/bin)",
    },
    config: {
      type: "boolean",
      description: "Also point your main Codex config.toml at the gateway (Desktop app, IDE extensions)",
      negativeDescription: "takes that block out again",
    },
    autostart: {
      type: "boolean",
      description: "Let the shim start a stopped gateway (else codex runs directly)",
      negativeDescription: "turns it off again",
    },
    json: { type: "boolean", description: "Print what was done as JSON" },
  },
  async run({ args }) {
    // An option left out keeps what the last enable chose.
    const report = enableGateway({
      shimsDir: args["shims-dir"],
      config: args.config as boolean | undefined,
      autostart: args.autostart as boolean | undefined,
    });
    if (args.json) {
      printJson(report);
      return;
    }
    if (report.kept.length > 0)
      printOut(
        `kept from the last enable: ${keptFlags(report).join(" ")} (flags given override; --no-config and --no-autostart turn those off)`,
      );
    if (report.movedFrom) printOut(`removed the shims from ${report.movedFrom}`);
    for (const shim of report.shims) printOut(`installed ${shim}`);
    if (report.configRemoved?.changed) {
      printOut(`removed the cao gateway block from ${report.configRemoved.file}`);
    }
    if (report.config) {
      const backup = report.config.backup ? ` (previous version kept as ${report.config.backup})` : "";
      printOut(`${report.config.changed ? "updated" : "unchanged:"} ${report.config.file}${backup}`);
      // The one route the wrappers cannot guard (docs/security.md): say it where it is switched on.
      await log.warn(
        "Codex reading that config.toml (Desktop app, IDE extensions, plain codex) sends your token to that " +
          "port without checking who listens; keep the gateway running (`cao gateway service install`) or run " +
          "`cao gateway disable` (see docs/security.md)",
      );
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

/** The kept options as the flags that would set them (what to change to undo each). */
function keptFlags(report: EnableReport): string[] {
  return report.kept.map((option) =>
    option === "shims-dir" ? `--shims-dir ${report.shimsDir}` : `--${option}`,
  );
}
