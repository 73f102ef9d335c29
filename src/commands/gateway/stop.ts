import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "stop", description: "Stop the running gateway" },
  async run() {
    const { stopGateway } = await import("../../gateway-process/stop.js");
    const { log } = await import("../../terminal/log.js");
    const pid = await stopGateway();
    await log.info(pid === undefined ? "the gateway is not running" : `stopped the gateway (pid ${pid})`);
  },
});
