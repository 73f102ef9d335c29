import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "switch", description: "Pick the default account (interactive without a name)" },
  args: {
    name: { type: "positional", description: "Account name (omit to pick from a list)", required: false },
  },
  async run({ args }) {
    const { defaultAccountNotes, setDefaultAccount, pickAccount } = await import("../accounts/switch.js");
    const { log } = await import("../terminal/log.js");
    const name = args.name ? String(args.name) : await pickAccount();
    if (name === undefined) {
      // Ctrl-C or Esc in the picker: an interruption, not a choice.
      await log.info("nothing changed");
      const { ExitCode } = await import("../core/exit-codes.js");
      process.exitCode = ExitCode.interrupted;
      return;
    }
    setDefaultAccount(name);
    await log.success(`default account set to ${name}`);
    for (const note of defaultAccountNotes(name)) await log.warn(note);
  },
});
