import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "status", description: "Show whether the gateway runs, where, and on which account" },
  args: {
    json: { type: "boolean", description: "Print the status as JSON" },
  },
  async run({ args }) {
    const { gatewayStatus, formatGatewayStatus } = await import("../../gateway-process/status-report.js");
    const { printJson, printOut } = await import("../../terminal/stdout.js");
    const status = gatewayStatus();
    if (args.json) printJson(status);
    else printOut(formatGatewayStatus(status));
  },
});
