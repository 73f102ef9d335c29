import { readLiveGatewayState } from "../core/gateway-state.js";
import { codexUrl, resolveConfig } from "../gateway/config.js";

/**
 * The URL a persistent config points Codex at: the running gateway's, else
 * where `cao gateway start` will listen (saved settings or the defaults).
 */
export function gatewayRouteUrl(): string {
  const live = readLiveGatewayState();
  if (live) return live.url;
  const config = resolveConfig({});
  return codexUrl(config.bind, config.port);
}
