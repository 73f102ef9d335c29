import { defineCommand } from "citty";
import { pickAccount, setDefaultAccount } from "../accounts/switch.js";
import { log } from "../terminal/log.js";

export default defineCommand({
  meta: { name: "switch", description: "Pick the default account (interactive without a name)" },
  args: {
    name: { type: "positional", description: "Account name (omit to pick from a list)", required: false },
  },
  async run({ args }) {
    const name = args.name ? String(args.name) : await pickAccount();
    if (name === undefined) {
      await log.info("nothing changed");
      return;
    }
    setDefaultAccount(name);
    await log.success(`default account set to ${name}`);
  },
});
