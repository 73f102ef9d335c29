import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "unpause", description: "Put a paused account back in the pool" },
  args: { name: { type: "positional", description: "Account name", required: true } },
  async run({ args }) {
    const { setPaused } = await import("../accounts/pause.js");
    const { log } = await import("../terminal/log.js");
    await log.success(setPaused(String(args.name), false));
  },
});
