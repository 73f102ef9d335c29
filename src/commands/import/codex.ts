import { defineCommand } from "citty";

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
    const { importCodexLogin } = await import("../../accounts/import-codex.js");
    const { reportOutcomes } = await import("./report.js");
    const outcomes = importCodexLogin({ source: args.source, name: args.name });
    await reportOutcomes(outcomes);
    if (args.json) {
      const { printJson } = await import("../../terminal/stdout.js");
      printJson({ sources: outcomes });
    }
    const { log } = await import("../../terminal/log.js");
    await log.info(
      "codex started outside cao in that home is now logged out; run it through cao (or `cao use`) instead",
    );
  },
});
