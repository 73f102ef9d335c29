import fs from "node:fs";
import { parse as parseToml } from "smol-toml";
import { findRealCodex } from "../../core/codex-binary.js";
import {
  compareVersions,
  parseCodexVersion,
  STATUSLINE_SINCE,
  type VersionTriple,
} from "../../core/codex-versions.js";
import { mainCodexConfigPath } from "../../gateway-setup/codex-config.js";
import { STATUSLINE } from "../../pool/statusline-server.js";
import { codexVersionText } from "./codex-binary.js";
import type { DoctorCheck, DoctorIssue } from "./types.js";

type Table = Record<string, unknown>;
const table = (value: unknown): Table =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Table) : {};

/**
 * The lines `cao statusline --config` prints, once the user added them to the
 * main Codex config: a Codex without providers only warns at every start
 * because of them, and a partial copy shows no footer or only the pool.
 */
export const statuslineConfigCheck: DoctorCheck = async ({ env }) => {
  const file = mainCodexConfigPath(env);
  let config: Table;
  try {
    config = table(parseToml(fs.readFileSync(file, "utf8")));
  } catch {
    return []; // No config, or one Codex itself will complain about.
  }
  const server = table(table(config.mcp_servers)[STATUSLINE.server]);
  const chosen = table(table(config.tui).status_line_provider);
  const args = Array.isArray(server.args) ? server.args : [];
  if (chosen.server !== STATUSLINE.server && !args.includes("statusline")) return [];
  const version = await installedVersion(env);
  if (version && compareVersions(version, parseCodexVersion(STATUSLINE_SINCE) as VersionTriple) < 0) {
    return [
      issue(
        "warning",
        "statusline-unsupported",
        `codex ${version.join(".")} has no footer providers (since ${STATUSLINE_SINCE}): the cao statusline lines in ${file} only add a warning at every start; remove them or upgrade Codex`,
      ),
    ];
  }
  const envVars = Array.isArray(server.env_vars) ? server.env_vars : [];
  const missing = [
    table(config.features).tui_extensions_statusline === true
      ? ""
      : "features.tui_extensions_statusline = true",
    args.includes("statusline") ? "" : `[mcp_servers.${STATUSLINE.server}] running \`cao statusline\``,
    chosen.server === STATUSLINE.server && chosen.tool === STATUSLINE.tool ? "" : "tui.status_line_provider",
    envVars.includes("CODEX_HOME") && envVars.includes("CAO_HOME")
      ? ""
      : 'env_vars = ["CAO_HOME", "CODEX_HOME"]',
  ].filter(Boolean);
  if (missing.length > 0) {
    return [
      issue(
        "warning",
        "statusline-incomplete",
        `${file} sets up cao's footer only in part (missing: ${missing.join("; ")}); compare it with \`cao statusline --config\``,
      ),
    ];
  }
  return [issue("info", "statusline", `Codex's footer comes from \`cao statusline\` (${file})`)];
};

async function installedVersion(env: NodeJS.ProcessEnv): Promise<VersionTriple | null> {
  try {
    return parseCodexVersion(await codexVersionText(findRealCodex(undefined, env), env));
  } catch {
    return null; // The codex check reports a missing or broken codex.
  }
}

function issue(severity: DoctorIssue["severity"], code: string, message: string): DoctorIssue {
  return { account: null, severity, code, message };
}
