import { defineCommand } from "citty";

export default defineCommand({
  meta: {
    name: "pause",
    description: "Keep an account out of the pool (never picked; sessions move off at their next turn)",
  },
  args: { name: { type: "positional", description: "Account name", required: true } },
  async run({ args }) {
    const { setPaused } = await import("../accounts/pause.js");
    const { log } = await import("../terminal/log.js");
    await log.success(setPaused(String(args.name), true));
  },
});
