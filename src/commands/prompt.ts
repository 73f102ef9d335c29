import fs from "node:fs";
import { defineCommand } from "citty";
import { promptSegment } from "../shell/prompt-segment.js";

export default defineCommand({
  meta: {
    name: "prompt",
    description: "Print the prompt segment (account and 5-hour usage), or a starship snippet",
  },
  args: {
    starship: { type: "boolean", description: "Print the starship.toml snippet that shows the segment" },
  },
  async run({ args }) {
    if (args.starship) {
      process.stdout.write(
        fs.readFileSync(new URL("../../templates/starship.toml", import.meta.url), "utf8"),
      );
      return;
    }
    const segment = promptSegment();
    if (segment) process.stdout.write(`${segment}\n`);
  },
});
