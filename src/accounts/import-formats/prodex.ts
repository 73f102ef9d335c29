import fs from "node:fs";
import path from "node:path";
import type { SourceOutcome } from "../import-codex-auth.js";
import type { ForeignFormat, ForeignLogin } from "../import-foreign.js";
import { authJsonLogin, home, isLogin } from "./auth-json-dirs.js";

/**
 * prodex profiles: `<root>/state.json` =
 *   {"active_profile", "profiles": {NAME: {"codex_home", "managed", "email", "provider_kind": "openai"|"copilot", ...}}}
 * and each OpenAI profile's login in `<codex_home>/auth.json` (managed ones under <root>/profiles/NAME).
 * Read from christiandoxa/prodex src/app_state.rs (AppState, ProfileEntry, ProfileProvider) and
 * its tests' AppPaths (root "prodex", state_file "prodex/state.json", managed_profiles_root "prodex/profiles").
 */
export const prodex: ForeignFormat = {
  id: "prodex",
  defaultSource: () => home(".prodex"),
  discover(source) {
    const logins: ForeignLogin[] = [];
    const skipped: SourceOutcome[] = [];
    const stateFile = path.join(source, "state.json");
    let profiles: Record<string, { codex_home?: unknown; provider_kind?: unknown }>;
    try {
      const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { profiles?: unknown };
      profiles =
        state.profiles && typeof state.profiles === "object" ? (state.profiles as typeof profiles) : {};
    } catch {
      skipped.push({
        source: stateFile,
        account: null,
        action: "skipped",
        message: "skipped: no readable prodex state.json here",
      });
      return { logins, skipped };
    }
    for (const [name, profile] of Object.entries(profiles)) {
      const where = `${stateFile}#${name}`;
      if (profile.provider_kind !== undefined && profile.provider_kind !== "openai") {
        skipped.push({
          source: where,
          account: null,
          action: "skipped",
          message: `skipped: a ${String(profile.provider_kind)} profile, not a Codex login`,
        });
        continue;
      }
      if (typeof profile.codex_home !== "string") {
        skipped.push({
          source: where,
          account: null,
          action: "skipped",
          message: "skipped: the profile names no codex_home",
        });
        continue;
      }
      const found = authJsonLogin(path.join(profile.codex_home, "auth.json"), name);
      if (isLogin(found)) logins.push(found);
      else skipped.push(found);
    }
    return { logins, skipped };
  },
};
