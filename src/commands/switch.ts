import { defineCommand } from "citty";
import { defaultAccountNotes, setDefaultAccount } from "../accounts/switch.js";
import { ExitCode } from "../core/exit-codes.js";
import { pickAccount } from "../status/picker.js";
import { log } from "../terminal/log.js";
import { printJson } from "../terminal/stdout.js";

export default defineCommand({
  meta: { name: "switch", description: "Pick the default account (interactive without a name)" },
  args: {
    name: { type: "positional", description: "Account name (omit to pick from a list)", required: false },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    const name = args.name ? String(args.name) : await pickAccount();
    if (name === undefined) {
      // q, Esc or Ctrl-C in the picker: an interruption, not a choice.
      await log.info("nothing changed");
      process.exitCode = ExitCode.interrupted;
      return;
    }
    setDefaultAccount(name);
    await log.success(`default account set to ${name}`);
    const notes = defaultAccountNotes(name);
    for (const note of notes) await log.warn(note);
    // The shape of `cao use NAME --json`.
    if (args.json) printJson({ defaultAccount: name, notes });
  },
});
