import { defineCommand } from "citty";
import { loadRegistry, writeRegistryState } from "../../core/registry.js";

/**
 * A data dir written by the original project has registry.json but no
 * .state/default: the wrapper calls this once, which writes the state files
 * (.state/default, .state/accounts) from the registry and prints the default
 * account (nothing when none).
 */
export default defineCommand({
  meta: {
    name: "sync-default",
    description: "Write .state/default and .state/accounts from registry.json and print the default",
  },
  async run() {
    const registry = loadRegistry();
    writeRegistryState(registry);
    const { default_account } = registry;
    if (default_account) process.stdout.write(`${default_account}\n`);
  },
});
