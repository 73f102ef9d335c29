import { defineCommand } from "citty";
import { readAuthFile, summarizeAuth } from "../core/auth-file.js";
import { authPath } from "../core/paths.js";
import { loadRegistry } from "../core/registry.js";
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
    const registry = loadRegistry();
    const rows = registry.accounts.map((name) => {
      const auth = summarizeAuth(readAuthFile(authPath(name)));
      return {
        name,
        isDefault: registry.default_account === name,
        loggedIn: auth.state === "ok",
        email: auth.email ?? null,
      };
    });
    if (args.json) {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      await log.info("no accounts yet; add one with `cao add NAME`");
      return;
    }
    for (const row of rows) {
      const login = row.loggedIn ? (row.email ?? "logged in") : "not logged in";
      printOut(`${row.isDefault ? "*" : " "} ${row.name} (${login})`);
    }
  },
});
