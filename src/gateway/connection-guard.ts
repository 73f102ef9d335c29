import type http from "node:http";
import type { Socket } from "node:net";

/**
 * Limits what connections that never showed a valid token can hold. Any local
 * user can connect to the gateway's port; without a cap, idle or slowloris
 * sockets eat the process's file descriptors until the user's own codex gets
 * 502s. A connection counts as the user's once one of its requests carried an
 * account's token; the others are capped, and when the cap is reached the
 * oldest of them is closed to make room (a new connection from the user's
 * codex is the newest, and shows its token within milliseconds). During a
 * burst of new stranger connections the user's may still lose that race;
 * codex reconnects. Headers must arrive within
 * HEADERS_TIMEOUT_MS and an idle keep-alive socket is closed after
 * KEEP_ALIVE_TIMEOUT_MS, so a stranger's socket also goes by itself.
 */
export const HEADERS_TIMEOUT_MS = 15_000;
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Receiving a whole request (headers and body, up to 64 MB) may take this long; responses have no limit. */
export const REQUEST_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_UNVERIFIED = 128;

const verified = new WeakSet<Socket>();

/** Marks the socket of a request that carried an account's token. */
export function markVerified(socket: Socket): void {
  verified.add(socket);
}

export function guardConnections(
  server: http.Server,
  maxUnverified = maxUnverifiedConnections(),
  /** An HTTPS server's requests come on its TLS sockets: "secureConnection" (the handshake has its own timeout). */
  event: "connection" | "secureConnection" = "connection",
): void {
  // Insertion order is connection order: the first entry is the oldest.
  const unverified = new Set<Socket>();
  server.on(event, (socket: Socket) => {
    unverified.add(socket);
    socket.once("close", () => unverified.delete(socket));
    for (const candidate of unverified) if (verified.has(candidate)) unverified.delete(candidate);
    if (unverified.size <= maxUnverified) return;
    const oldest = unverified.values().next().value as Socket;
    unverified.delete(oldest);
    oldest.destroy();
  });
}

/** `$CAO_GATEWAY_MAX_UNVERIFIED_CONNECTIONS` (documented; tests and small fd limits) or 128. */
function maxUnverifiedConnections(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.CAO_GATEWAY_MAX_UNVERIFIED_CONNECTIONS);
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_MAX_UNVERIFIED;
}
