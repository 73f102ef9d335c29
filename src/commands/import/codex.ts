import { defineCommand } from "citty";
import { importCodexLogin } from "../../accounts/import-codex.js";
import { log } from "../../terminal/log.js";
import { printJson } from "../../terminal/stdout.js";
import { reportOutcomes } from "./report.js";

export default defineCommand({
  meta: {
    name: "codex",
    description: "Move an existing Codex login (auth.json) into a cao account; the source is retired",
  },
  args: {
    source: {
      type: "string",
      description: "The Codex home holding auth.json (default: your main Codex home)",
    },
    name: { type: "string", description: "Account name (default: the login's email)" },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    const outcomes = importCodexLogin({ source: args.source, name: args.name });
    await reportOutcomes(outcomes);
    if (args.json) printJson({ sources: outcomes });
    await log.info(
      "codex started outside cao in that home is now logged out; run it through cao (or `cao use`) instead",
    );
  },
});
