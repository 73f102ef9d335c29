import fs from "node:fs";
import { readLiveGatewayState } from "../../core/gateway-state.js";
import { dataDir } from "../../core/paths.js";
import { mainCodexConfigPath } from "../../gateway-setup/codex-config.js";
import { configBlockUrl } from "../../gateway-setup/codex-config-block.js";
import type { DoctorCheck } from "./types.js";

/**
 * `cao gateway enable --config` points the Desktop app and IDE extensions at
 * the gateway through the main config.toml. If that gateway is not running,
 * Codex there retries a closed port forever ("Reconnecting..."): say so.
 */
export const gatewayConfigCheck: DoctorCheck = async ({ env }) => {
  const file = mainCodexConfigPath(env);
  let url: string | undefined;
  try {
    url = configBlockUrl(fs.readFileSync(file, "utf8"), file);
  } catch {
    // No config, or one the user broke: nothing of ours to check (other checks report TOML errors).
    return [];
  }
  if (!url) return [];
  const live = readLiveGatewayState(dataDir(env));
  if (live?.url === url) return [];
  const running = live ? ` (the gateway runs at ${live.url})` : "";
  return [
    {
      account: null,
      severity: "warning",
      code: "gateway-config-stale",
      message:
        `${file} points Codex (Desktop app, IDE extensions) at ${url} but no gateway is running there${running}; ` +
        "start it (`cao gateway start --detach` or `cao gateway service install`) or run `cao gateway disable`",
    },
  ];
};
