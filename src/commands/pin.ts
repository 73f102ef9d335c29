import { defineCommand } from "citty";

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
    const { pinDirectory, unpinDirectory, showPin } = await import("../shell/pin-file.js");
    const { usageError } = await import("../core/errors.js");
    const { log } = await import("../terminal/log.js");
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
