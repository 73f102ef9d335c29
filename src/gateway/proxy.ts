import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { markVerified } from "./connection-guard.js";
import { createStreamDecoder, decodeBody, readableAcceptEncoding } from "./content-encoding.js";
import { bearerOf, type GatewayContext, sessionKeyOf, upstreamPath } from "./context.js";
import {
  failover,
  type GaveUp,
  type Outcome,
  type Sent,
  type ServedAnswer,
  type Target,
  type Transport,
} from "./failover.js";
import { forwardableHeaders, HOP_BY_HOP } from "./headers.js";
import { rateLimitsFromEvent, usageLimitBody } from "./signals.js";
import { createSseTap } from "./sse-tap.js";
import { turnIdOfHeader } from "./turn-id.js";
import { sendUpstream, type UpstreamResponse } from "./upstream-response.js";

/**
 * The HTTP path: `/v1/X` → `<base-url>/X` under the routed account, which
 * failover.ts picks (and replaces after a failure, a 401 or a usage limit).
 *
 * The request body is read once and kept only until the response starts
 * streaming, because until then the same bytes may be replayed on another
 * account (JSON or zstd, forwarded byte for byte). After that the response is
 * streamed through with backpressure; the client going away aborts upstream.
 */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Request headers the gateway sets itself (or that must not cross). */
const OWN_REQUEST_HEADERS = new Set([...HOP_BY_HOP, "host", "content-length", "expect"]);

export async function handleHttp(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const path = upstreamPath(ctx, req.url ?? "/");
  if (path === undefined) {
    sendJson(res, 404, { error: { message: "not found: the gateway serves /v1/...", type: "not_found" } });
    return;
  }
  const caller = ctx.tokens.authenticate(bearerOf(req.headers.authorization), req.socket);
  if (caller === undefined) {
    // Not the user's token. Codex answers a 401 by re-reading its auth.json.
    ctx.strangers.unauthorized(req.method ?? "?", req.url ?? "/");
    sendJson(res, 401, {
      error: { message: "the cao gateway only serves the tokens of your own accounts", type: "unauthorized" },
    });
    return;
  }
  markVerified(req.socket);
  const abort = new AbortController();
  const onClientGone = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on("close", onClientGone);
  let body: Buffer | undefined;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!res.headersSent && !res.destroyed) {
      const tooLarge = error instanceof BodyTooLargeError;
      sendJson(res, tooLarge ? 413 : 400, {
        error: { message: String((error as Error).message), type: "bad_request" },
      });
    }
    return;
  }
  const sessionKey = sessionKeyOf(req.headers);
  const exchange = new Exchange(ctx, req, res, path, body, abort.signal, started, sessionKey);
  try {
    const outcome = await failover(
      ctx,
      {
        sessionKey,
        caller,
        tried: new Set(),
        passes: ctx.config.maxRetryPasses,
        headers: requestHeaders(req.headers, ctx.config.passthroughAuth),
        served: {
          session: sessionKey,
          turn: turnIdOfHeader(req.headers["x-codex-turn-metadata"]),
          transport: "http",
        },
        signal: abort.signal,
      },
      exchange,
    );
    exchange.deliver(outcome);
  } catch (error) {
    if (abort.signal.aborted) {
      ctx.log(`${req.method} ${req.url} client went away; upstream request cancelled`);
      return;
    }
    ctx.log(`${req.method} ${req.url} failed: ${error instanceof Error ? error.message : error}`);
    if (!res.headersSent)
      sendJson(res, 502, { error: { message: "the cao gateway failed", type: "bad_gateway" } });
    else res.destroy();
  }
}

/**
 * One HTTP request's attempts (failover.ts decides which and how many) and
 * what the client gets: the answer streamed, a small answer as read, or the
 * give-up answer.
 */
class Exchange implements Transport<UpstreamResponse> {
  readonly label: string;
  readonly showsFailures = true;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly path: string,
    private body: Buffer | undefined,
    private readonly signal: AbortSignal,
    private readonly started: number,
    sessionKey: string | undefined,
  ) {
    const session = sessionKey ? ` session=${sessionKey.slice(0, 8)}` : "";
    this.label = `${req.method} ${req.url}${session}`;
  }

  async send(target: Target): Promise<Sent<UpstreamResponse>> {
    try {
      const response = await sendUpstream(this.ctx.agent, {
        origin: target.origin,
        path: this.path,
        method: (this.req.method ?? "GET") as Dispatcher.HttpMethod,
        headers: target.headers,
        body: this.body && this.body.length > 0 ? this.body : null,
        signal: this.signal,
        headersTimeout: this.ctx.config.timeoutMs,
      });
      return { kind: "answer", status: response.statusCode, headers: response.headers, answer: response };
    } catch (error) {
      if (this.signal.aborted) throw error;
      const code = describeNetworkError(error);
      return { kind: "network", code, timedOut: code === "UND_ERR_HEADERS_TIMEOUT" };
    }
  }

  discard(response: UpstreamResponse): Promise<void> {
    return response.dump();
  }

  read(response: UpstreamResponse): Promise<Buffer> {
    return response.bytes();
  }

  inspect(raw: Buffer, headers: IncomingHttpHeaders): string {
    try {
      return decodeBody(raw, headers["content-encoding"]).toString("utf8");
    } catch (error) {
      this.ctx.log(`${this.label} cannot read the answer: ${(error as Error).message}`);
      return "";
    }
  }

  /** Every answer below 500 is the client's (a generic 429 too: rate limiting is Codex's to handle). */
  judge(): "serve" {
    return "serve";
  }

  failureOf(sent: Sent<UpstreamResponse>): string {
    return sent.kind === "network" ? `upstream ${sent.code}` : `upstream HTTP ${sent.status}`;
  }

  deliver(outcome: Outcome<UpstreamResponse>): void {
    if (outcome.kind !== "served") this.giveUp(outcome);
    else if (outcome.body) {
      this.writeHead(outcome.status, outcome.headers);
      this.res.end(outcome.body);
      const what = outcome.usageLimit?.type ?? "(rate limited, not a usage limit)";
      this.ctx.log(`${this.label} ${outcome.account} ${outcome.status} ${what}`);
    } else this.stream(outcome);
  }

  private stream({ account, answer: response, movedFrom, moveReason }: ServedAnswer<UpstreamResponse>): void {
    const { router } = this.ctx;
    this.body = undefined; // no replay after this point
    this.writeHead(response.statusCode, response.headers);
    const contentType = String(response.headers["content-type"] ?? "");
    const tap = contentType.includes("text/event-stream")
      ? this.decodedTap(
          response.headers,
          createSseTap((event) => {
            const limits = rateLimitsFromEvent(event);
            if (limits) router.recordRateLimits(account, limits);
          }),
        )
      : undefined;
    const firstByteMs = performance.now() - this.started;
    const moved = movedFrom ? ` (moved from ${movedFrom}: ${moveReason ?? "moved"})` : "";
    const line = `${this.label} ${account}${moved} ${response.statusCode}`;
    response.pipeTo(this.res, tap?.write).then(
      () => {
        tap?.end();
        if (response.statusCode < 400) router.recordSuccess(account);
        this.ctx.log(`${line} first byte ${firstByteMs.toFixed(1)} ms`);
      },
      (error: unknown) => {
        this.res.destroy();
        if (this.signal.aborted) {
          this.ctx.log(`${line} client went away; upstream request cancelled`);
          return;
        }
        router.recordFailure(account, "upstream stream broke");
        this.ctx.log(`${line} stream broke: ${describeNetworkError(error)}`);
      },
    );
  }

  /** No account could serve: the last failure, Codex's own 429 when every account is out of quota, or 503. */
  private giveUp(outcome: GaveUp): void {
    if (this.res.headersSent) return;
    if (outcome.kind === "failure") {
      this.writeHead(outcome.status, outcome.headers);
      this.res.end(outcome.body);
      this.ctx.log(`${this.label} no account succeeded: ${outcome.status}`);
    } else if (outcome.kind === "exhausted") {
      this.ctx.log(`${this.label} 429 ${outcome.reason}`);
      this.res.writeHead(429, { "content-type": "application/json" });
      this.res.end(usageLimitBody(outcome.resetsAtMs, outcome.planType));
    } else {
      this.ctx.log(`${this.label} 503 no usable account`);
      sendJson(this.res, 503, {
        error: { message: "no cao account can serve this request (see `cao status`)", type: "no_account" },
      });
    }
  }

  private writeHead(status: number, headers: IncomingHttpHeaders): void {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    this.res.writeHead(status, out);
  }

  /** The SSE tap behind a decoder of the stream's content-encoding; the client still gets the bytes as sent. */
  private decodedTap(
    headers: IncomingHttpHeaders,
    tap: (chunk: Buffer) => void,
  ): { write(chunk: Buffer): void; end(): void } {
    const decoder = createStreamDecoder(headers["content-encoding"], tap, (error) =>
      this.ctx.log(`${this.label} cannot read the stream's rate limits: ${error.message}`),
    );
    return decoder ?? { write: tap, end() {} };
  }
}

/** The client's headers to send; it may ask only for encodings the gateway can read itself (error bodies, streams). */
function requestHeaders(
  headers: IncomingHttpHeaders,
  keepCredentials: boolean,
): Record<string, string | string[]> {
  const out = forwardableHeaders(headers, OWN_REQUEST_HEADERS, keepCredentials);
  const accept = readableAcceptEncoding(headers["accept-encoding"]);
  if (accept === undefined) delete out["accept-encoding"];
  else out["accept-encoding"] = accept;
  return out;
}

export class BodyTooLargeError extends Error {}

/**
 * The whole request body. Read with plain events: the async iterator costs a
 * promise and a readable event per chunk, which a cold gateway pays on every
 * request before it can send anything upstream. Over `maxBytes` the request is
 * destroyed, so the rest is never read.
 */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = () => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        settle();
        req.destroy();
        reject(new BodyTooLargeError(`request body over ${maxBytes} bytes`));
      }
    };
    const onEnd = () => {
      settle();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    // Closed before the end without an error: the client went away mid-body.
    const onClose = () => onError(new Error("the client closed the request before its body ended"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

function describeNetworkError(error: unknown): string {
  if (error && typeof error === "object") {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    if (typeof cause === "string") return cause;
  }
  return error instanceof Error ? error.message : String(error);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
