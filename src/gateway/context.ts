import type { Agent } from "undici";
import type { GatewayConfig } from "./config.js";
import type { TokenManager } from "./credentials.js";
import type { PoolNotifier } from "./notifications.js";
import type { Router } from "./router.js";
import type { StrangerLog } from "./stranger-log.js";
import type { UsageChecker } from "./usage-check.js";
import type { WorkspaceDirectory } from "./workspaces.js";

/**
 * Everything a transport needs to serve one request: the routing policy, the
 * accounts' credentials, the shared upstream dispatcher. The HTTP proxy
 * (proxy.ts), the upgrade handler (upgrade.ts) and the failover loop they
 * share (failover.ts) receive it.
 */
export interface GatewayContext {
  config: GatewayConfig;
  router: Router;
  tokens: TokenManager;
  usage: UsageChecker;
  /** Each account's workspace origin and routing override (regional workspaces). */
  workspaces: WorkspaceDirectory;
  notifier: PoolNotifier;
  agent: Agent;
  /** Upstream origin and base path, parsed once from `config.baseUrl`. */
  upstream: { origin: string; basePath: string };
  /** One line to the gateway log. Never pass a token here. */
  log(line: string): void;
  /** Requests without a valid token, logged rate-limited (anyone local can send them). */
  strangers: StrangerLog;
}

/** `/v1/responses?x=1` → the upstream path `<basePath>/responses?x=1`; undefined outside `/v1`. */
export function upstreamPath(ctx: GatewayContext, requestUrl: string): string | undefined {
  if (requestUrl !== "/v1" && !requestUrl.startsWith("/v1/") && !requestUrl.startsWith("/v1?"))
    return undefined;
  return `${ctx.upstream.basePath}${requestUrl.slice(3)}`;
}

/** The Codex session a request belongs to (sticky routing key). */
export function sessionKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers["session-id"] ?? headers.session_id ?? headers["thread-id"];
  return Array.isArray(value) ? value[0] : value;
}

export function bearerOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}
