import { defineCommand } from "citty";
import { usageError } from "../core/errors.js";
import { pinDirectory, showPin, unpinDirectory } from "../shell/pin-file.js";
import { log } from "../terminal/log.js";
import { printJson } from "../terminal/stdout.js";

export default defineCommand({
  meta: {
    name: "pin",
    description: "Pin an account to this directory and below (writes .cao-account; --unset removes it)",
  },
  args: {
    name: { type: "positional", description: "Account name", required: false },
    unset: { type: "boolean", description: "Remove this directory's .cao-account" },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    if (args.unset) {
      if (args.name) throw usageError("use `cao pin NAME` or `cao pin --unset`, not both");
      const result = unpinDirectory(process.cwd());
      await log.success(result.message);
      if (args.json) printJson({ account: null, pinFile: result.removed });
      return;
    }
    if (!args.name) {
      process.stdout.write(`${showPin(process.cwd())}\n`);
      return;
    }
    const result = pinDirectory(process.cwd(), String(args.name));
    await log.success(result.message);
    if (args.json) printJson({ account: String(args.name), pinFile: result.file });
  },
});
