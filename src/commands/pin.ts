import { defineCommand } from "citty";
import { usageError } from "../core/errors.js";
import { pinDirectory, showPin, unpinDirectory } from "../shell/pin-file.js";
import { log } from "../terminal/log.js";

export default defineCommand({
  meta: {
    name: "pin",
    description: "Pin an account to this directory and below (writes .cao-account; --unset removes it)",
  },
  args: {
    name: { type: "positional", description: "Account name", required: false },
    unset: { type: "boolean", description: "Remove this directory's .cao-account" },
  },
  async run({ args }) {
    if (args.unset) {
      if (args.name) throw usageError("use `cao pin NAME` or `cao pin --unset`, not both");
      await log.success(unpinDirectory(process.cwd()));
      return;
    }
    if (!args.name) {
      process.stdout.write(`${showPin(process.cwd())}\n`);
      return;
    }
    await log.success(pinDirectory(process.cwd(), String(args.name)));
  },
});
