import { defineCommand } from "citty";
import { validateAccountName } from "../../core/account-name.js";
import { syncAccountConfig } from "../../core/codex-home.js";

/** The codex wrapper runs this when the main config.toml is newer than the account's. */
export default defineCommand({
  meta: { name: "sync-config", description: "Re-merge the main Codex config into an account's config.toml" },
  args: { name: { type: "positional", description: "Account name", required: true } },
  async run({ args }) {
    syncAccountConfig(validateAccountName(String(args.name)));
  },
});
