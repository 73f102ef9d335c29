import { defineCommand } from "citty";
import { updateSetting } from "../../core/settings.js";
import { log } from "../../terminal/log.js";

export default defineCommand({
  meta: { name: "unset", description: "Remove one setting from the file (back to its default)" },
  args: { key: { type: "positional", description: "Setting", required: true } },
  async run({ args }) {
    updateSetting(String(args.key), undefined);
    await log.success(`${args.key} is back to its default`);
  },
});
