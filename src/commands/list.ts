import { defineCommand } from "citty";

export default defineCommand({
  meta: { name: "list", description: "List accounts (* marks the default)" },
  args: {
    json: { type: "boolean", description: "Print the accounts as JSON" },
    details: { type: "boolean", description: "Every account's full status (same as `cao status --full`)" },
  },
  async run({ args }) {
    if (args.details) {
      const { showStatus } = await import("../status/show.js");
      await showStatus({ compact: false, full: true, pretty: false, json: false });
      return;
    }
    const { loadSnapshot } = await import("../core/account-view.js");
    const { ACCOUNT_SUMMARY_KEYS, pickAccountJson } = await import("../core/account-json.js");
    const { printJson, printOut } = await import("../terminal/stdout.js");
    const rows = loadSnapshot().accounts.map((a) => pickAccountJson(a, ACCOUNT_SUMMARY_KEYS));
    if (args.json) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      const { log } = await import("../terminal/log.js");
      await log.info("no accounts yet; add one with `cao add NAME`");
      return;
    }
    for (const row of rows) {
      const login =
        row.loginState === "logged-in" ? (row.email ?? "logged in") : row.loginState.replaceAll("-", " ");
      printOut(`${row.isDefault ? "*" : " "} ${row.name} (${login})`);
    }
  },
});
