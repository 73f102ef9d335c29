import { defineCommand } from "citty";
import { importForeign } from "../../accounts/import-foreign.js";
import { FOREIGN_FORMATS } from "../../accounts/import-formats/index.js";
import { printJson } from "../../terminal/stdout.js";
import { reportOutcomes } from "./report.js";

/** What each tool is, for `cao import --help` (the formats themselves: src/accounts/import-formats/). */
export const FOREIGN_DESCRIPTIONS: Record<string, string> = {
  cliproxyapi: "Import CLIProxyAPI Codex token files (~/.cli-proxy-api/codex-*.json)",
  ccs: "Import ccs's CLIProxy Codex token files (~/.ccs/cliproxy/auth/codex-*.json)",
  "codex-multi-auth": "Import codex-multi-auth accounts (~/.codex/multi-auth/openai-codex-accounts.json)",
  "codex-auth-registry": "Import Loongphy/codex-auth registry snapshots (~/.codex/accounts/registry.json)",
  caam: "Import caam vault profiles (~/.local/share/caam/vault/codex/PROFILE/auth.json)",
  prodex: "Import prodex profiles (~/.prodex/state.json)",
};

export function foreignImportCommand(id: string) {
  return defineCommand({
    meta: {
      name: id,
      description: `${FOREIGN_DESCRIPTIONS[id]}; each source is retired so only cao refreshes it`,
    },
    args: {
      source: { type: "string", description: "Where the tool keeps its logins (default: its usual place)" },
      overwrite: { type: "boolean", description: "Replace an account's existing login (a backup is kept)" },
      json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
    },
    async run({ args }) {
      const format = FOREIGN_FORMATS[id]!;
      const { outcomes, warnings } = importForeign(format, {
        source: args.source,
        overwrite: Boolean(args.overwrite),
      });
      await reportOutcomes(outcomes, warnings);
      if (args.json) printJson({ sources: outcomes });
    },
  });
}
