import { defineCommand } from "citty";
import { importCodexAuth } from "../../accounts/import-codex-auth.js";
import { log } from "../../terminal/log.js";
import { printJson } from "../../terminal/stdout.js";
import { reportOutcomes } from "./report.js";

export default defineCommand({
  meta: {
    name: "codex-auth",
    description: "Import codex-auth snapshots (NAME.json); each source is retired so only cao refreshes it",
  },
  args: {
    source: { type: "string", description: "Snapshot directory (default: ~/.codex/accounts)" },
    overwrite: { type: "boolean", description: "Replace an account's existing login (a backup is kept)" },
    current: {
      type: "string",
      description: "The snapshot that is active in codex-auth (becomes the default)",
    },
    default: { type: "string", description: "The account to make the default" },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    const result = importCodexAuth({
      source: args.source,
      overwrite: Boolean(args.overwrite),
      current: args.current,
      default: args.default,
    });
    await reportOutcomes(result.outcomes, result.warnings);
    await log.info(`default account: ${result.defaultAccount ?? "none"}`);
    if (args.json) {
      printJson({ sources: result.outcomes, defaultAccount: result.defaultAccount });
    }
  },
});
