import { defineCommand } from "citty";
import { getSetting, loadSettings } from "../../core/settings.js";
import { printJson, printOut } from "../../terminal/stdout.js";

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
    const value = getSetting(loadSettings(), String(args.key));
    if (args.json) printJson({ key: args.key, value });
    else printOut(String(value));
  },
});
