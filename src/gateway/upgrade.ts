import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { GatewayContext } from "./context.js";

/**
 * WebSocket upgrades (`GET /v1/responses`): the Responses WebSocket proxy in
 * websocket.ts, its upstream opened by the same failover loop as HTTP's
 * (failover.ts). When the upstream cannot take a WebSocket it answers 426, and
 * Codex uses HTTP SSE for the rest of the session without a visible retry
 * (docs/codex-notes.md, "The Responses WebSocket").
 *
 * The proxy (and the `ws` package, ~10 MB resident) is loaded on the first
 * upgrade only: a gateway serving HTTP alone never pays for it.
 */
let proxy: Promise<typeof import("./websocket.js")> | undefined;

export function handleUpgrade(ctx: GatewayContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  proxy ??= import("./websocket.js");
  proxy
    .then((module) => module.handleResponsesWebSocket(ctx, req, socket, head))
    .catch((error: unknown) => {
      ctx.log(`WS ${req.url} internal error: ${error instanceof Error ? error.message : error}`);
      socket.destroy();
    });
}

/** Closes the proxied WebSocket sessions (1001 going away), if any were ever opened. */
export async function closeUpgradedSockets(ctx: GatewayContext): Promise<void> {
  if (proxy) (await proxy).closeWebSockets(ctx);
}
