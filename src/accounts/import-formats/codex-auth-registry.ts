import fs from "node:fs";
import path from "node:path";
import type { SourceOutcome } from "../import-codex-auth.js";
import type { ForeignFormat, ForeignLogin } from "../import-foreign.js";
import { authJsonLogin, home, isLogin } from "./auth-json-dirs.js";

/**
 * Loongphy/codex-auth's registry: `~/.codex/accounts/registry.json`
 *   schema_version 3: {"schema_version":3,"active_account_key",...,"accounts":[{"account_key","chatgpt_account_id",
 *                      "email","alias","account_name",...}]}, snapshot `<file key>.auth.json` per account_key
 *   version 2 (legacy): email-keyed, snapshot `<base64url(email)>.auth.json`
 * where the file key is the account key itself when it is only [A-Za-z0-9._-] (and not "." or ".."),
 * else its unpadded base64url. Read from Loongphy/codex-auth src/registry/common.zig
 * (AccountRecord, registryPath, accountFileKey, accountSnapshotFileName, legacyAccountAuthPath)
 * and docs/schema-migration.md. The registry itself is left alone: its entries then point at
 * retired snapshots, which codex-auth reports as missing.
 */
const fileKey = (key: string) =>
  key && key !== "." && key !== ".." && /^[A-Za-z0-9._-]+$/.test(key)
    ? key
    : Buffer.from(key).toString("base64url");

export const codexAuthRegistry: ForeignFormat = {
  id: "codex-auth-registry",
  defaultSource: () => home(".codex", "accounts"),
  discover(source) {
    const logins: ForeignLogin[] = [];
    const skipped: SourceOutcome[] = [];
    const registryFile = path.join(source, "registry.json");
    let registry: { schema_version?: unknown; version?: unknown; accounts?: unknown };
    try {
      registry = JSON.parse(fs.readFileSync(registryFile, "utf8"));
    } catch {
      skipped.push({
        source: registryFile,
        account: null,
        action: "skipped",
        message: "skipped: no readable codex-auth registry.json here",
      });
      return { logins, skipped };
    }
    const version = registry.schema_version ?? registry.version;
    if (version !== 2 && version !== 3) {
      skipped.push({
        source: registryFile,
        account: null,
        action: "skipped",
        message: `skipped: registry schema ${JSON.stringify(version)} is not one cao knows (2, 3); left as is`,
      });
      return { logins, skipped };
    }
    for (const entry of Array.isArray(registry.accounts) ? registry.accounts : []) {
      const record = entry as Record<string, unknown>;
      const str = (key: string) =>
        typeof record[key] === "string" && record[key] ? (record[key] as string) : undefined;
      const email = str("email");
      const key = version === 2 ? email : str("account_key");
      if (!key) continue;
      const snapshot = path.join(
        source,
        `${version === 2 ? Buffer.from(key).toString("base64url") : fileKey(key)}.auth.json`,
      );
      const found = authJsonLogin(snapshot, str("alias") ?? str("account_name") ?? email ?? key);
      if (isLogin(found)) logins.push(found);
      else skipped.push(found);
    }
    return { logins, skipped };
  },
};
