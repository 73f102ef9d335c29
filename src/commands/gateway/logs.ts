import { defineCommand } from "citty";
import { usageError } from "../../core/errors.js";
import { showGatewayLog } from "../../gateway-process/log-view.js";

export default defineCommand({
  meta: { name: "logs", description: "Show the detached gateway's log" },
  args: {
    follow: { type: "boolean", alias: "f", description: "Keep printing new lines until Ctrl-C" },
    lines: { type: "string", alias: "n", description: "How many of the last lines to show (default 100)" },
  },
  async run({ args }) {
    const lines = args.lines === undefined ? 100 : Number(args.lines);
    if (!Number.isInteger(lines) || lines < 0) throw usageError("--lines must be a whole number");
    await showGatewayLog({ lines, follow: Boolean(args.follow) });
  },
});
