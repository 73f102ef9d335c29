import { defineCommand } from "citty";
import { stopGateway } from "../../gateway-process/stop.js";
import { log } from "../../terminal/log.js";
import { printJson } from "../../terminal/stdout.js";

export default defineCommand({
  meta: { name: "stop", description: "Stop the running gateway" },
  args: {
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    const pid = await stopGateway();
    await log.info(pid === undefined ? "the gateway is not running" : `stopped the gateway (pid ${pid})`);
    if (args.json) printJson({ stopped: pid !== undefined, pid: pid ?? null });
  },
});
