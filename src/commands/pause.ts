import { defineCommand } from "citty";
import { setPaused } from "../accounts/pause.js";
import { log } from "../terminal/log.js";

export default defineCommand({
  meta: {
    name: "pause",
    description: "Keep an account out of the pool (never picked; sessions move off at their next turn)",
  },
  args: { name: { type: "positional", description: "Account name", required: true } },
  async run({ args }) {
    await log.success(setPaused(String(args.name), true));
  },
});
