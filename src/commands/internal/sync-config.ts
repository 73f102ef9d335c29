import { defineCommand } from "citty";

/** The codex wrapper runs this when the main config.toml is newer than the account's. */
export default defineCommand({
  meta: { name: "sync-config", description: "Re-merge the main Codex config into an account's config.toml" },
  args: { name: { type: "positional", description: "Account name", required: true } },
  async run({ args }) {
    const { validateAccountName } = await import("../../core/account-name.js");
    const { syncAccountConfig } = await import("../../core/codex-home.js");
    syncAccountConfig(validateAccountName(String(args.name)));
  },
});
