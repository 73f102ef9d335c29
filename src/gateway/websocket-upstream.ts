import type { IncomingHttpHeaders } from "node:http";
import WebSocket from "ws";
import { decodeBody } from "./content-encoding.js";
import type { GatewayContext } from "./context.js";
import { failover, type Sent, type Target, type Transport } from "./failover.js";
import { forwardableHeaders, HOP_BY_HOP } from "./headers.js";

/**
 * Opening the upstream Responses WebSocket for one Codex session. Which
 * account, refreshing a token, usage limits and retries are failover.ts's, as
 * for an HTTP request; this file sends one upgrade and reads its answer. A
 * refused upgrade is never shown to Codex: it gets a 426 (and continues over
 * HTTP, where the proxy routes it) or, when every account is out of quota,
 * its own usage-limit 429.
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
  const upgrades = new Upgrades(ctx, request.path, `WS ${describeSession(request)}`);
  const outcome = await failover(
    ctx,
    {
      sessionKey: request.sessionKey,
      caller: request.caller,
      tried: request.tried,
      // The session asks again at its next request.
      passes: 1,
      headers: singleValued(
        forwardableHeaders(request.clientHeaders, OWN_HEADERS, ctx.config.passthroughAuth),
      ),
    },
    upgrades,
  );
  if (outcome.kind === "served") {
    // Only a 101 is served (judge), and its answer is the open socket.
    const { socket, relayHeaders } = outcome.answer as OpenSocket;
    return { kind: "open", socket, account: outcome.account, relayHeaders };
  }
  return outcome.kind === "exhausted"
    ? { kind: "exhausted" }
    : { kind: "unavailable", reason: outcome.reason };
}

interface OpenSocket {
  socket: WebSocket;
  relayHeaders: string[];
}

/** An upgrade's answer: the open socket (101), or a refusal's body as it came. */
type Upgrade = OpenSocket | Buffer;

/** One upgrade per attempt. */
class Upgrades implements Transport<Upgrade> {
  /** A refused upgrade cannot be passed on as it came: Codex is told there is no upstream (426). */
  readonly showsFailures = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly path: string,
    readonly label: string,
  ) {}

  send(target: Target): Promise<Sent<Upgrade>> {
    const origin = target.origin.replace(/^http/, "ws");
    return new Promise((resolve) => {
      const socket = new WebSocket(`${origin}${this.path}`, {
        // Single values only (singleValued); the credentials the loop sets are strings.
        headers: target.headers as Record<string, string>,
        autoPong: false,
        handshakeTimeout: this.ctx.config.timeoutMs,
        maxPayload: 64 * 1024 * 1024,
      });
      let upgrade: IncomingHttpHeaders = {};
      socket.once("upgrade", (response) => {
        upgrade = response.headers;
      });
      socket.once("open", () => {
        const answer = { socket, relayHeaders: headerLines(upgrade) };
        resolve({ kind: "answer", status: 101, headers: upgrade, answer });
      });
      socket.once("unexpected-response", (_req, response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const status = response.statusCode ?? 502;
          resolve({ kind: "answer", status, headers: response.headers, answer: Buffer.concat(chunks) });
        });
        response.on("error", () =>
          resolve({ kind: "network", code: "upgrade response broke", timedOut: false }),
        );
      });
      // Later errors belong to the session that takes the socket; this listener only keeps them from throwing.
      socket.on("error", (error) => {
        const code = (error as { code?: unknown }).code;
        resolve({ kind: "network", code: typeof code === "string" ? code : error.message, timedOut: false });
      });
    });
  }

  /** A refusal's body is read already, and an open socket is never dropped (only 401s and 5xx are). */
  async discard(): Promise<void> {}

  async read(answer: Upgrade): Promise<Buffer> {
    return Buffer.isBuffer(answer) ? answer : Buffer.alloc(0);
  }

  inspect(raw: Buffer, headers: IncomingHttpHeaders): string {
    try {
      return decodeBody(raw, headers["content-encoding"]).toString("utf8");
    } catch {
      return "";
    }
  }

  /** Only an open socket serves; a 426 means no WebSocket on any account (Codex uses HTTP), the rest fails the account. */
  judge(status: number): "serve" | "stop" | "next" {
    return status === 101 ? "serve" : status === 426 ? "stop" : "next";
  }

  failureOf(sent: Sent<Upgrade>): string {
    return sent.kind === "network"
      ? `websocket unreachable (${sent.code})`
      : `websocket upgrade answered HTTP ${sent.status}`;
  }
}

/** The `ws` client takes one value per header: repeated ones are joined as HTTP allows. */
function singleValued(headers: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
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

export function describeSession(request: { sessionKey: string | undefined }): string {
  return request.sessionKey ? `session=${request.sessionKey.slice(0, 8)}` : "no session";
}
