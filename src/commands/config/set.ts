import { defineCommand } from "citty";
import { parseValue, updateSetting } from "../../core/settings.js";
import { log } from "../../terminal/log.js";

export default defineCommand({
  meta: { name: "set", description: "Change one setting (checked against the key's type and range)" },
  args: {
    key: { type: "positional", description: "Setting, e.g. accounts.work.reserve-weekly", required: true },
    value: { type: "positional", description: "New value, e.g. 20", required: true },
  },
  async run({ args }) {
    const key = String(args.key);
    updateSetting(key, parseValue(key, String(args.value)));
    await log.success(`${key} = ${String(args.value).trim()}`);
  },
});
