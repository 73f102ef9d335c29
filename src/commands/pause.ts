import { defineCommand } from "citty";
import { setPaused } from "../accounts/pause.js";
import { log } from "../terminal/log.js";
import { printJson } from "../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "pause",
    description: "Keep an account out of the pool (never picked; sessions move off at their next turn)",
  },
  args: {
    name: { type: "positional", description: "Account name", required: true },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    const name = String(args.name);
    await log.success(setPaused(name, true));
    if (args.json) printJson({ account: name, paused: true });
  },
});
