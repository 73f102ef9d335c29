import { tomlString } from "../core/quoting.js";
import { renderTemplate } from "../core/template.js";
import { STATUSLINE } from "./statusline-server.js";

/**
 * The Codex config that turns cao's footer on (`cao statusline --config`):
 * the feature flag, the MCP server and the saved provider choice. The user
 * merges it into the main Codex config; cao never writes it (docs/tui.md says why).
 */
export const statuslineConfig = (caoCommand: string): string =>
  renderTemplate("codex-statusline.toml", {
    CAO_COMMAND: tomlString(caoCommand),
    CAO_SERVER: tomlString(STATUSLINE.server),
    CAO_TOOL: tomlString(STATUSLINE.tool),
  });
