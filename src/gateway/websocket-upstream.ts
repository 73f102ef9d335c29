import type { IncomingHttpHeaders } from "node:http";
import WebSocket from "ws";
import { decodeBody } from "./content-encoding.js";
import type { GatewayContext } from "./context.js";
import { AccountUnavailableError, type Credentials } from "./credentials.js";
import { isLocalResourceError } from "./local-errors.js";
import { backoffMs } from "./proxy.js";
import { parseUsageLimit, rateLimitsFromHeaders } from "./signals.js";
import { HOP_BY_HOP } from "./upstream.js";
import { applyWorkspace, type Workspace } from "./workspaces.js";

/**
 * Opening the upstream Responses WebSocket for one Codex session, with the
 * HTTP proxy's routing: the router picks the account, the token manager gives
 * its credentials (refreshed once on a 401), a usage limit on the upgrade
 * cools the account down and the next one is tried, 5xx and network failures
 * are retried with backoff.
 */
export interface OpenUpstream {
  kind: "open";
  socket: WebSocket;
  account: string;
  /** Upgrade-response headers worth passing to Codex (rate limits, model info). */
  relayHeaders: string[];
}

export type UpstreamResult =
  | OpenUpstream
  /** Every account is out of quota. */
  | { kind: "exhausted" }
  /** The upstream does not speak WebSocket here, or no account could connect: Codex should use HTTP. */
  | { kind: "unavailable"; reason: string };

/** Request headers that belong to this hop or that the gateway sets itself. */
const OWN_HEADERS = new Set([
  ...HOP_BY_HOP,
  "host",
  "upgrade",
  "content-length",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
]);
const CREDENTIAL_HEADERS = new Set(["authorization", "chatgpt-account-id"]);

export interface UpstreamRequest {
  /** Upstream path, e.g. `/backend-api/codex/responses`. */
  path: string;
  clientHeaders: IncomingHttpHeaders;
  sessionKey: string | undefined;
  /** The account whose token the caller presented (what `--passthrough-auth` forwards). */
  caller: string;
  /** Accounts already tried for the request at hand (usage limit, failure). */
  tried: Set<string>;
}

export async function openUpstream(ctx: GatewayContext, request: UpstreamRequest): Promise<UpstreamResult> {
  const { router, config } = ctx;
  if (config.passthroughAuth) {
    const attempt = await connectWithRetries(ctx, request, request.caller, undefined, undefined, undefined);
    return attempt.kind === "open" ? attempt : { kind: "unavailable", reason: describeFailure(attempt) };
  }
  let lastFailure = "no account available";
  for (;;) {
    let choice = router.pick(request.sessionKey, request.tried);
    if (!choice && router.coolingAccounts().length > 0) {
      // Everything left is cooling down: maybe a quota came back early.
      await ctx.usage.checkCooling();
      choice = router.pick(request.sessionKey, request.tried);
    }
    if (!choice) {
      return router.exhausted().resetsAtMs !== undefined
        ? { kind: "exhausted" }
        : { kind: "unavailable", reason: lastFailure };
    }
    const { account } = choice;
    request.tried.add(account);
    let credentials: Credentials;
    let workspace: Workspace;
    try {
      credentials = await ctx.tokens.credentials(account);
      workspace = await ctx.workspaces.resolve(account, credentials);
    } catch (error) {
      if (!(error instanceof AccountUnavailableError)) throw error;
      router.recordFailure(account, error.reason);
      router.accountsChanged();
      continue;
    }
    let attempt = await connectWithRetries(ctx, request, account, credentials, workspace, choice.movedFrom);
    if (attempt.kind === "rejected" && attempt.status === 401) {
      // Never show Codex an upstream 401: refresh (once, shared) and try again.
      try {
        credentials = await ctx.tokens.credentials(account, credentials.accessToken);
        attempt = await connectWithRetries(ctx, request, account, credentials, workspace, choice.movedFrom);
      } catch (error) {
        if (!(error instanceof AccountUnavailableError)) throw error;
        router.recordFailure(account, error.reason);
        router.accountsChanged();
        continue;
      }
    }
    if (attempt.kind === "open") return attempt;
    if (attempt.kind === "rejected") {
      const limits = rateLimitsFromHeaders(attempt.headers);
      if (limits) router.recordRateLimits(account, limits);
      const usageLimit = attempt.status === 429 ? parseUsageLimit(attempt.body) : undefined;
      if (usageLimit) {
        router.recordUsageLimit(account, usageLimit);
        ctx.log(
          `WS ${describeSession(request)} ${account} upgrade 429 ${usageLimit.type}: trying the next account`,
        );
        continue;
      }
      // 426: the upstream has no WebSocket here; Codex switches to HTTP, which the proxy serves.
      if (attempt.status === 426) return { kind: "unavailable", reason: "upstream answered 426" };
    }
    lastFailure = describeFailure(attempt);
    if (attempt.kind === "network" && isLocalResourceError(attempt.message)) {
      ctx.log(
        `WS ${describeSession(request)} ${attempt.message} on this machine: not counted against ${account}`,
      );
    } else router.recordFailure(account, `websocket ${lastFailure}`);
  }
}

type Attempt =
  | OpenUpstream
  | { kind: "rejected"; status: number; headers: IncomingHttpHeaders; body: string }
  | { kind: "network"; message: string };

async function connectWithRetries(
  ctx: GatewayContext,
  request: UpstreamRequest,
  account: string,
  credentials: Credentials | undefined,
  workspace: Workspace | undefined,
  movedFrom: string | undefined,
): Promise<Attempt> {
  const { config } = ctx;
  for (let retry = 0; ; retry++) {
    const attempt = await connect(ctx, request, account, credentials, workspace, movedFrom);
    const retryable = attempt.kind === "network" || (attempt.kind === "rejected" && attempt.status >= 500);
    if (!retryable || retry >= config.upstreamRetries) return attempt;
    ctx.log(
      `WS ${describeSession(request)} ${account ?? "caller"} ${describeFailure(attempt)}; retry ${retry + 1}`,
    );
    await new Promise((resolve) => setTimeout(resolve, backoffMs(config, retry)));
  }
}

function connect(
  ctx: GatewayContext,
  request: UpstreamRequest,
  account: string,
  credentials: Credentials | undefined,
  workspace: Workspace | undefined,
  movedFrom: string | undefined,
): Promise<Attempt> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.clientHeaders)) {
    if (value === undefined || OWN_HEADERS.has(name)) continue;
    if (credentials && CREDENTIAL_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  if (credentials) {
    headers.authorization = `Bearer ${credentials.accessToken}`;
    if (credentials.accountId) headers["chatgpt-account-id"] = credentials.accountId;
  }
  // The turn state belongs to the account that issued it.
  if (movedFrom !== undefined) delete headers["x-codex-turn-state"];
  const origin = applyWorkspace(headers, workspace, ctx.upstream.origin).replace(/^http/, "ws");
  return new Promise((resolve) => {
    const socket = new WebSocket(`${origin}${request.path}`, {
      headers,
      autoPong: false,
      handshakeTimeout: ctx.config.timeoutMs,
      maxPayload: 64 * 1024 * 1024,
    });
    let relayHeaders: string[] = [];
    socket.once("upgrade", (response) => {
      relayHeaders = headerLines(response.headers);
      const limits = rateLimitsFromHeaders(response.headers);
      if (limits) ctx.router.recordRateLimits(account, limits);
    });
    // Later errors belong to the session that takes the socket; this listener only keeps them from throwing.
    socket.once("open", () => {
      resolve({ kind: "open", socket, account, relayHeaders });
    });
    socket.once("unexpected-response", (_req, response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        resolve({
          kind: "rejected",
          status: response.statusCode ?? 502,
          headers: response.headers,
          body: readableBody(Buffer.concat(chunks), response.headers),
        });
      });
      response.on("error", () => resolve({ kind: "network", message: "upgrade response broke" }));
    });
    socket.on("error", (error) => {
      const code = (error as { code?: unknown }).code;
      resolve({ kind: "network", message: typeof code === "string" ? code : error.message });
    });
  });
}

/** A refused upgrade's body as text, decoded if the upstream compressed it ("" if it cannot be read). */
function readableBody(raw: Buffer, headers: IncomingHttpHeaders): string {
  try {
    return decodeBody(raw, headers["content-encoding"]).toString("utf8");
  } catch {
    return "";
  }
}

/** Upgrade-response headers Codex reads (usage windows, model and turn metadata). */
function headerLines(headers: IncomingHttpHeaders): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !(name.startsWith("x-") || name.startsWith("openai-"))) continue;
    for (const item of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${item}`);
  }
  return lines;
}

function describeFailure(attempt: Attempt): string {
  if (attempt.kind === "network") return `unreachable (${attempt.message})`;
  if (attempt.kind === "rejected") return `upgrade answered HTTP ${attempt.status}`;
  return "open";
}

export function describeSession(request: { sessionKey: string | undefined }): string {
  return request.sessionKey ? `session=${request.sessionKey.slice(0, 8)}` : "no session";
}
