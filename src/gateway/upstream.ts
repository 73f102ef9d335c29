import { createRequire } from "node:module";
import type { Agent } from "undici";
import type { HttpPost } from "./credentials.js";
import { fetchText } from "./upstream-response.js";

/**
 * undici's Agent class alone. Its index also loads fetch, WebSocket, the cache
 * stores and the mock agents, about 7 MB of RSS a long-running gateway would
 * carry for nothing. If a later undici moves the file, the index still works.
 */
function loadAgentClass(): typeof Agent {
  const require = createRequire(import.meta.url);
  try {
    return require("undici/lib/dispatcher/agent.js") as typeof Agent;
  } catch {
    return (require("undici") as typeof import("undici")).Agent;
  }
}

/**
 * One pooled, keep-alive dispatcher for everything the gateway sends upstream.
 * Only the wait for response headers is bounded (`--timeout-ms`): a model
 * stream may legitimately stay open for many minutes, so bodies have no timeout.
 */
export function createUpstreamAgent(timeoutMs: number): Agent {
  const UndiciAgent = loadAgentClass();
  return new UndiciAgent({
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
    return fetchText(agent, {
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body,
      timeoutMs,
    });
  };
}
