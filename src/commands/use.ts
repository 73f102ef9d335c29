import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "use", description: "Set the default account" },
  args: {
    name: { type: "positional", description: "Account name", required: true },
  },
  async run({ args }) {
    const { validateAccountName } = await import("../core/account-name.js");
    const { requireAccount, updateRegistry } = await import("../core/registry.js");
    const { log } = await import("../cli/log.js");
    const name = validateAccountName(String(args.name));
    updateRegistry((registry) => {
      requireAccount(registry, name);
      registry.default_account = name;
    });
    await log.success(`default account set to ${name}`);
  },
});
