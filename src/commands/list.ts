import { defineCommand } from "citty";
import { ACCOUNT_SUMMARY_KEYS, pickAccountJson } from "../core/account-json.js";
import { loadSnapshot } from "../core/account-view.js";
import { showStatus } from "../status/show.js";
import { log } from "../terminal/log.js";
import { printJson, printOut } from "../terminal/stdout.js";

export default defineCommand({
  meta: { name: "list", description: "List accounts (* marks the default)" },
  args: {
    json: { type: "boolean", description: "Print the accounts as JSON" },
    details: { type: "boolean", description: "Every account's full status (same as `cao status --full`)" },
  },
  async run({ args }) {
    if (args.details) {
      await showStatus({ compact: false, full: true, pretty: false, json: false });
      return;
    }
    const rows = loadSnapshot().accounts.map((a) => pickAccountJson(a, ACCOUNT_SUMMARY_KEYS));
    if (args.json) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
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
