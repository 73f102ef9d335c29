import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../../core/atomic-write.js";
import type { AuthFile } from "../../core/auth-file.js";
import type { SourceOutcome } from "../import-codex-auth.js";
import type { ForeignFormat, ForeignLogin } from "../import-foreign.js";
import { home } from "./auth-json-dirs.js";

/**
 * codex-multi-auth (ndycode): every login in one file, `<dir>/openai-codex-accounts.json`, dir =
 * `$CODEX_MULTI_AUTH_DIR` or `<CODEX_HOME or ~/.codex>/multi-auth`:
 *   {"version":3,"accounts":[{"accountId","accountLabel","email","refreshToken","accessToken","expiresAt","enabled",...}],"activeIndex"}
 * Read from ndycode/codex-multi-auth lib/runtime-paths.ts (getCodexMultiAuthDir, the storage file
 * name among its signals) and lib/storage.ts (AccountStorageV3, AccountMetadataV3).
 * It keeps no id token: cao uses the access token in its place (same claims) until the first
 * refresh writes a real one. Retiring an entry strips its tokens in that file and disables it;
 * the other entries are left as they are. Stop codex-multi-auth first (it may write its file back).
 */
const FILE = "openai-codex-accounts.json";

export const codexMultiAuth: ForeignFormat = {
  id: "codex-multi-auth",
  defaultSource: () => {
    const fromEnv = process.env.CODEX_MULTI_AUTH_DIR?.trim();
    return fromEnv || path.join(process.env.CODEX_HOME?.trim() || home(".codex"), "multi-auth");
  },
  discover(source) {
    const logins: ForeignLogin[] = [];
    const skipped: SourceOutcome[] = [];
    const file = source.endsWith(".json") ? source : path.join(source, FILE);
    let storage: { version?: unknown; accounts?: unknown };
    try {
      storage = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      skipped.push({
        source: file,
        account: null,
        action: "skipped",
        message: "skipped: no readable codex-multi-auth storage here",
      });
      return { logins, skipped };
    }
    if (storage.version !== 3 || !Array.isArray(storage.accounts)) {
      skipped.push({
        source: file,
        account: null,
        action: "skipped",
        message: `skipped: storage version ${JSON.stringify(storage.version)} is not 3; left as is`,
      });
      return { logins, skipped };
    }
    storage.accounts.forEach((entry, index) => {
      const account = entry as Record<string, unknown>;
      const str = (key: string) =>
        typeof account[key] === "string" && account[key] ? (account[key] as string) : undefined;
      const where = `${file}#${index + 1}`;
      if (!str("refreshToken") || !str("accessToken")) {
        if (str("refreshToken"))
          skipped.push({
            source: where,
            account: null,
            action: "skipped",
            message: "skipped: no access token stored with it (log in with `cao add`); left as is",
          });
        return;
      }
      const auth: AuthFile = {
        OPENAI_API_KEY: null,
        tokens: {
          id_token: str("accessToken"),
          access_token: str("accessToken"),
          refresh_token: str("refreshToken"),
          ...(str("accountId") && { account_id: str("accountId") }),
        },
      };
      logins.push({
        source: where,
        label: str("accountLabel") ?? str("email") ?? `account-${index + 1}`,
        auth,
        retire: (movedTo) => {
          stripEntry(file, index, movedTo);
          return `its tokens were removed from ${file} and the entry disabled`;
        },
      });
    });
    return { logins, skipped };
  },
};

function stripEntry(file: string, index: number, movedTo: string): void {
  const storage = JSON.parse(fs.readFileSync(file, "utf8")) as { accounts: Record<string, unknown>[] };
  const { refreshToken: _r, accessToken: _a, expiresAt: _e, ...rest } = storage.accounts[index] ?? {};
  storage.accounts[index] = {
    ...rest,
    enabled: false,
    caoMovedTo: movedTo,
    caoMovedAt: new Date().toISOString(),
  };
  writeFileAtomic(file, `${JSON.stringify(storage, null, 2)}\n`, { mode: 0o600 });
}
