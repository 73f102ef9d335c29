import fs from "node:fs";
import { defineCommand } from "citty";
import { poolPromptSegment, promptSegment } from "../shell/prompt-segment.js";

export default defineCommand({
  meta: {
    name: "prompt",
    description: "Print the prompt segment (account and 5-hour usage), or a starship snippet",
  },
  args: {
    starship: { type: "boolean", description: "Print the starship.toml snippet that shows the segment" },
    pool: { type: "boolean", description: "Print the pool's headroom ($CAO_PROMPT_POOL) instead" },
  },
  async run({ args }) {
    if (args.starship) {
      process.stdout.write(
        fs.readFileSync(new URL("../../templates/starship.toml", import.meta.url), "utf8"),
      );
      return;
    }
    const segment = args.pool ? poolPromptSegment() : promptSegment();
    if (segment) process.stdout.write(`${segment}\n`);
  },
});
