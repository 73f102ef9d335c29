import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "unset", description: "Remove one setting from the file (back to its default)" },
  args: { key: { type: "positional", description: "Setting", required: true } },
  async run({ args }) {
    const { updateSetting } = await import("../../core/settings.js");
    const { log } = await import("../../terminal/log.js");
    updateSetting(String(args.key), undefined);
    await log.success(`${args.key} is back to its default`);
  },
});
