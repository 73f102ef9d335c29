import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "get", description: "Print one setting's value (the default when unset)" },
  args: {
    key: {
      type: "positional",
      description: "Setting, e.g. routing.strategy or accounts.work.paused",
      required: true,
    },
    json: { type: "boolean", description: "As JSON" },
  },
  async run({ args }) {
    const { getSetting, loadSettings } = await import("../../core/settings.js");
    const { printJson, printOut } = await import("../../terminal/stdout.js");
    const value = getSetting(loadSettings(), String(args.key));
    if (args.json) printJson({ key: args.key, value });
    else printOut(String(value));
  },
});
