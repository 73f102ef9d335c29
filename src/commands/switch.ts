import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "switch", description: "Pick the default account (interactive without a name)" },
  args: {
    name: { type: "positional", description: "Account name (omit to pick from a list)", required: false },
  },
  async run({ args }) {
    const { setDefaultAccount, pickAccount } = await import("../accounts/switch.js");
    const { log } = await import("../terminal/log.js");
    const name = args.name ? String(args.name) : await pickAccount();
    if (name === undefined) {
      await log.info("nothing changed");
      return;
    }
    setDefaultAccount(name);
    await log.success(`default account set to ${name}`);
  },
});
