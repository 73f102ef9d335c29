import { defineCommand } from "citty";
import { stopGateway } from "../../gateway-process/stop.js";
import { log } from "../../terminal/log.js";

export default defineCommand({
  meta: { name: "stop", description: "Stop the running gateway" },
  async run() {
    const pid = await stopGateway();
    await log.info(pid === undefined ? "the gateway is not running" : `stopped the gateway (pid ${pid})`);
  },
});
