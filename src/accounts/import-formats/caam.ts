import path from "node:path";
import type { SourceOutcome } from "../import-codex-auth.js";
import type { ForeignFormat, ForeignLogin } from "../import-foreign.js";
import { authJsonLogin, home, isLogin, subdirs } from "./auth-json-dirs.js";

/**
 * caam (coding_agent_account_manager) vault profiles: `<vault>/codex/<profile>/auth.json`,
 * copies of ~/.codex/auth.json. Read from Dicklesworthstone/coding_agent_account_manager
 * internal/authfile/authfile.go (Vault, basePath ~/.local/share/caam/vault; CodexAuthFiles: auth.json)
 * and its README ("~/.codex/auth.json <-> ~/.local/share/caam/vault/codex/work@company.com/").
 * `$CAAM_HOME` moves the vault to `$CAAM_HOME/vault` (its sync tests).
 */
export const caam: ForeignFormat = {
  id: "caam",
  defaultSource: () =>
    path.join(
      process.env.CAAM_HOME?.trim()
        ? path.join(process.env.CAAM_HOME, "vault")
        : home(".local", "share", "caam", "vault"),
      "codex",
    ),
  discover(source) {
    const logins: ForeignLogin[] = [];
    const skipped: SourceOutcome[] = [];
    const profiles = subdirs(source);
    if (profiles.length === 0)
      skipped.push({
        source,
        account: null,
        action: "skipped",
        message: "skipped: no caam Codex profiles here",
      });
    for (const profile of profiles) {
      const found = authJsonLogin(path.join(source, profile, "auth.json"), profile);
      if (isLogin(found)) logins.push(found);
      else skipped.push(found);
    }
    return { logins, skipped };
  },
};
