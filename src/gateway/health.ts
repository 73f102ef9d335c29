import type { IncomingMessage, ServerResponse } from "node:http";
import { type GatewayHealth, identityProof, proofMatches } from "../core/gateway-identity.js";
import type { TokenManager } from "./credentials.js";
import { sendJson } from "./proxy.js";

/**
 * `GET /cao/health?c=CHALLENGE` with `x-cao-proof: <client proof>`: answers
 * the gateway's proof, and only to a client that proved it knows the key, the
 * health report (see core/gateway-identity.ts). Never touches the disk, so it
 * works when the disk is full.
 */
export function serveHealth(
  key: string | undefined,
  tokens: TokenManager,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const challenge = new URL(req.url ?? "/", "http://gateway").searchParams.get("c") ?? "";
  if (!key || !/^[0-9a-f]{32,128}$/.test(challenge)) {
    sendJson(res, 400, { error: { message: "bad health check", type: "bad_request" } });
    return;
  }
  const header = req.headers["x-cao-proof"];
  if (!proofMatches(identityProof(key, "client", challenge), Array.isArray(header) ? header[0] : header)) {
    sendJson(res, 401, { error: { message: "unknown client", type: "unauthorized" } });
    return;
  }
  const health: GatewayHealth = { pid: process.pid, unsaved: tokens.unsavedLogins() };
  sendJson(res, 200, { proof: identityProof(key, "gateway", challenge), ...health });
}
