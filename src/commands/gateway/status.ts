import { defineCommand } from "citty";
import { formatGatewayStatus, gatewayStatus } from "../../gateway-process/status-report.js";
import { printJson, printOut } from "../../terminal/stdout.js";

export default defineCommand({
  meta: { name: "status", description: "Show whether the gateway runs, where, and on which account" },
  args: {
    json: { type: "boolean", description: "Print the status as JSON" },
  },
  async run({ args }) {
    const status = gatewayStatus();
    if (args.json) printJson(status);
    else printOut(formatGatewayStatus(status));
  },
});
