import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { GatewayContext } from "./context.js";
import { handleResponsesWebSocket } from "./websocket.js";

/**
 * WebSocket upgrades (`GET /v1/responses`): the Responses WebSocket proxy in
 * websocket.ts, routed with the same router and token manager as HTTP. When
 * the upstream cannot take a WebSocket it answers 426, and Codex uses HTTP SSE
 * for the rest of the session without a visible retry (codex-facts).
 */
export function handleUpgrade(ctx: GatewayContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  handleResponsesWebSocket(ctx, req, socket, head).catch((error: unknown) => {
    ctx.log(`WS ${req.url} internal error: ${error instanceof Error ? error.message : error}`);
    socket.destroy();
  });
}
