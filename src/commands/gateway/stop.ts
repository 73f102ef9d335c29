import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "stop", description: "Stop the running gateway" },
  args: {
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    const { stopGateway } = await import("../../gateway-process/stop.js");
    const { log } = await import("../../terminal/log.js");
    const pid = await stopGateway();
    await log.info(pid === undefined ? "the gateway is not running" : `stopped the gateway (pid ${pid})`);
    if (args.json) {
      const { printJson } = await import("../../terminal/stdout.js");
      printJson({ stopped: pid !== undefined, pid: pid ?? null });
    }
  },
});
