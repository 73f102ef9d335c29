import { Agent } from "undici";
import type { HttpPost } from "./credentials.js";

/**
 * One pooled, keep-alive dispatcher for everything the gateway sends upstream.
 * Only the wait for response headers is bounded (`--timeout-ms`): a model
 * stream may legitimately stay open for many minutes, so bodies have no timeout.
 */
export function createUpstreamAgent(timeoutMs: number): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 300_000,
    headersTimeout: timeoutMs,
    bodyTimeout: 0,
    connections: 256,
  });
}

/** A small JSON POST through the agent (token refresh). */
export function jsonPoster(agent: Agent, timeoutMs: number): HttpPost {
  return async (url, body) => {
    const target = new URL(url);
    const response = await agent.request({
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: response.statusCode, text: await response.body.text() };
  };
}

/** Headers that describe one connection, not the message: never forwarded either way. */
export const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
