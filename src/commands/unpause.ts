import { defineCommand } from "citty";
import { setPaused } from "../accounts/pause.js";
import { log } from "../terminal/log.js";

export default defineCommand({
  meta: { name: "unpause", description: "Put a paused account back in the pool" },
  args: { name: { type: "positional", description: "Account name", required: true } },
  async run({ args }) {
    await log.success(setPaused(String(args.name), false));
  },
});
