import { defineCommand } from "citty";
import { loadRegistry } from "../../core/registry.js";
import { writeDefaultAccountState } from "../../core/state-files.js";

/**
 * A data dir written by the original project has registry.json but no
 * .state/default: the wrapper calls this once, which writes the state file
 * from the registry and prints the default account (nothing when none).
 */
export default defineCommand({
  meta: { name: "sync-default", description: "Write .state/default from registry.json and print it" },
  async run() {
    const { default_account } = loadRegistry();
    writeDefaultAccountState(default_account);
    if (default_account) process.stdout.write(`${default_account}\n`);
  },
});
