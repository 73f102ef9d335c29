import type { IncomingHttpHeaders } from "node:http";
import type { Credentials } from "./credentials.js";

/**
 * Which headers cross the gateway, for both transports: the client's own
 * credentials never do (the routed account's are set instead, unless
 * `--passthrough-auth`), nor the headers of one connection.
 */

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

/** The headers that say whose request it is; the gateway sets the routed account's. */
export const CREDENTIAL_HEADERS = new Set(["authorization", "chatgpt-account-id"]);

/** Codex's handle on the upstream's state for a turn: it belongs to the account that issued it. */
const TURN_STATE_HEADER = "x-codex-turn-state";

/** The client's headers minus `own` (this hop's, or set by the gateway) and, unless kept, its credentials. */
export function forwardableHeaders(
  headers: IncomingHttpHeaders,
  own: ReadonlySet<string>,
  keepCredentials: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || own.has(name)) continue;
    if (!keepCredentials && CREDENTIAL_HEADERS.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** One account's copy of the forwardable headers: its credentials, and no turn state if the session moved. */
export function accountHeaders(
  forwardable: Readonly<Record<string, string | string[]>>,
  credentials: Credentials | undefined,
  movedFrom: string | undefined,
): Record<string, string | string[]> {
  const headers = { ...forwardable };
  if (credentials) {
    headers.authorization = `Bearer ${credentials.accessToken}`;
    if (credentials.accountId) headers["chatgpt-account-id"] = credentials.accountId;
  }
  if (movedFrom !== undefined) delete headers[TURN_STATE_HEADER];
  return headers;
}
