import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AuthFile } from "../../core/auth-file.js";
import type { SourceOutcome } from "../import-codex-auth.js";
import type { ForeignFormat, ForeignLogin } from "../import-foreign.js";
import { retireFile } from "../move-login.js";

/**
 * CLIProxyAPI's Codex token files, one login per `<auth-dir>/codex-*.json`:
 *   {"id_token","access_token","refresh_token","account_id","last_refresh","email","type":"codex","expired"}
 * Read from router-for-me/CLIProxyAPI internal/auth/codex/token.go (CodexTokenStorage) and
 * filename.go (codex-<email>-<plan>.json); the default auth-dir is "~/.cli-proxy-api"
 * (config.example.yaml). ccs keeps the same files under ~/.ccs/cliproxy/auth
 * (kaitranntt/ccs src/cliproxy/config-generator.ts getAuthDir, quota-fetcher-codex.ts).
 */
export function cliProxyTokenDir(id: string, description: string, defaultDir: () => string): ForeignFormat {
  return {
    id,
    defaultSource: defaultDir,
    discover(source) {
      const logins: ForeignLogin[] = [];
      const skipped: SourceOutcome[] = [];
      const skip = (file: string, message: string) =>
        skipped.push({ source: file, account: null, action: "skipped", message });
      if (!fs.statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
        skip(source, `skipped: no ${description} token directory here`);
        return { logins, skipped };
      }
      for (const entry of fs.readdirSync(source).sort()) {
        if (!entry.endsWith(".json")) continue;
        const file = path.join(source, entry);
        let raw: Record<string, unknown>;
        try {
          raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
        } catch {
          skip(file, "skipped: not valid JSON; left as is");
          continue;
        }
        if (raw.type !== "codex") {
          skip(file, `skipped: not a Codex token (type ${JSON.stringify(raw.type ?? null)}); left as is`);
          continue;
        }
        const text = (key: string) =>
          typeof raw[key] === "string" && raw[key] ? (raw[key] as string) : undefined;
        const auth: AuthFile = {
          OPENAI_API_KEY: null,
          tokens: {
            ...(text("id_token") && { id_token: text("id_token") }),
            ...(text("access_token") && { access_token: text("access_token") }),
            ...(text("refresh_token") && { refresh_token: text("refresh_token") }),
            ...(text("account_id") && { account_id: text("account_id") }),
          },
          ...(text("last_refresh") && { last_refresh: text("last_refresh") }),
        };
        logins.push({
          source: file,
          label: text("email") ?? entry.replace(/^codex-/, "").replace(/\.json$/, ""),
          auth,
          retire: (movedTo) => {
            const target = retireFile(
              file,
              movedTo,
              ({ access_token: _a, refresh_token: _r, ...rest }) => rest,
            );
            return `source moved to ${target} without its tokens`;
          },
        });
      }
      return { logins, skipped };
    },
  };
}

export const cliProxyApi = cliProxyTokenDir("cliproxyapi", "CLIProxyAPI", () =>
  path.join(os.homedir(), ".cli-proxy-api"),
);
export const ccs = cliProxyTokenDir("ccs", "ccs (CLIProxy)", () =>
  path.join(os.homedir(), ".ccs", "cliproxy", "auth"),
);
