import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { markVerified } from "./connection-guard.js";
import { createStreamDecoder, decodeBody, readableAcceptEncoding } from "./content-encoding.js";
import { bearerOf, type GatewayContext, sessionKeyOf, upstreamPath } from "./context.js";
import { AccountUnavailableError, type Credentials } from "./credentials.js";
import { isLocalResourceError } from "./local-errors.js";
import { parseUsageLimit, rateLimitsFromEvent, rateLimitsFromHeaders, usageLimitBody } from "./signals.js";
import { createSseTap } from "./sse-tap.js";
import { turnIdOfHeader } from "./turn-id.js";
import { HOP_BY_HOP } from "./upstream.js";
import { sendUpstream, type UpstreamResponse } from "./upstream-response.js";
import { applyWorkspace, type Workspace } from "./workspaces.js";

/**
 * The HTTP path: `/v1/X` → `<base-url>/X` under the routed account.
 *
 * The request body is read once and kept only until the response starts
 * streaming, because until then the same bytes may be replayed on another
 * account (JSON or zstd, forwarded byte for byte). After that the response is
 * streamed through with backpressure; the client going away aborts upstream.
 */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Request headers the gateway sets itself (or that must not cross). */
const OWN_REQUEST_HEADERS = new Set([...HOP_BY_HOP, "host", "content-length", "expect"]);
const CREDENTIAL_HEADERS = new Set(["authorization", "chatgpt-account-id"]);

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
  const exchange = new Exchange(ctx, req, res, path, caller, body, abort.signal, started);
  try {
    await exchange.run();
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

class Exchange {
  private readonly sessionKey: string | undefined;
  /** Why the router moved this request's session (for the log line). */
  private moveReason: string | undefined;
  private readonly baseHeaders: Record<string, string | string[]>;
  /** The last failure to show the client when nothing succeeds (5xx, network). */
  private lastFailure: { status: number; headers: IncomingHttpHeaders; body: Buffer | string } | undefined;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly path: string,
    private readonly caller: string,
    private body: Buffer | undefined,
    private readonly signal: AbortSignal,
    private readonly started: number,
  ) {
    this.sessionKey = sessionKeyOf(req.headers);
    this.baseHeaders = forwardableHeaders(req.headers, ctx.config.passthroughAuth);
  }

  async run(): Promise<void> {
    const { router, config } = this.ctx;
    if (config.passthroughAuth) {
      if (!(await this.serveOn(this.caller, undefined, false))) this.giveUp();
      return;
    }
    for (let pass = 0; pass < config.maxRetryPasses; pass++) {
      const tried = new Set<string>();
      for (;;) {
        let choice = router.pick(this.sessionKey, tried);
        if (!choice && router.coolingAccounts().length > 0) {
          // Everything left is cooling down: maybe a quota came back early.
          await this.ctx.usage.checkCooling();
          choice = router.pick(this.sessionKey, tried);
        }
        if (!choice) break;
        tried.add(choice.account);
        this.moveReason = choice.reason;
        if (await this.serveOn(choice.account, choice.movedFrom, true)) return;
      }
    }
    this.giveUp();
  }

  /** Tries one account; true when the client got its answer, false to move on to the next account. */
  private async serveOn(account: string, movedFrom: string | undefined, failover: boolean): Promise<boolean> {
    const { router, tokens } = this.ctx;
    let credentials: Credentials | undefined;
    let workspace: Workspace | undefined;
    try {
      credentials = this.ctx.config.passthroughAuth ? undefined : await tokens.credentials(account);
      workspace = await this.ctx.workspaces.route(account, credentials);
    } catch (error) {
      if (!(error instanceof AccountUnavailableError)) throw error;
      router.recordFailure(account, error.reason);
      router.accountsChanged();
      return false;
    }
    router.recordAttempt(account, {
      session: this.sessionKey,
      turn: turnIdOfHeader(this.req.headers["x-codex-turn-metadata"]),
      transport: "http",
    });
    let response = await this.send(account, credentials, workspace, movedFrom);
    if (response && response.statusCode === 401 && credentials) {
      // Never show Codex an upstream 401: refresh (once, shared) and try again.
      await response.dump();
      try {
        credentials = await tokens.credentials(account, credentials.accessToken);
      } catch (error) {
        if (!(error instanceof AccountUnavailableError)) throw error;
        router.recordFailure(account, error.reason);
        router.accountsChanged();
        return false;
      }
      response = await this.send(account, credentials, workspace, movedFrom);
      if (response && response.statusCode === 401) {
        await response.dump();
        router.recordFailure(account, "upstream rejected the refreshed token (401)");
        this.lastFailure = { status: 502, headers: {}, body: unauthorizedBody() };
        return false;
      }
    }
    if (!response) return false;
    const limits = rateLimitsFromHeaders(response.headers);
    if (limits) router.recordRateLimits(account, limits);
    if (response.statusCode === 429) {
      // Read decoded, forwarded as it came (body and content-encoding stay together).
      const raw = await response.bytes();
      const usageLimit = parseUsageLimit(this.inspect(raw, response.headers));
      if (usageLimit) router.recordUsageLimit(account, usageLimit);
      if (usageLimit && failover) {
        this.ctx.log(
          `${this.describe()} ${account} 429 ${usageLimit.type}: cooling down, trying the next account`,
        );
        return false;
      }
      // A generic 429 (rate limiting) is not an exhausted account: Codex handles it. So does
      // --passthrough-auth, which cannot switch credentials.
      this.writeHead(response.statusCode, response.headers);
      this.res.end(raw);
      this.ctx.log(
        `${this.describe()} ${account} 429 ${usageLimit?.type ?? "(rate limited, not a usage limit)"}`,
      );
      return true;
    }
    if (response.statusCode >= 500) {
      // send() already retried; try the next account, show this one if none does better.
      const raw = await response.bytes();
      router.recordFailure(account, `upstream HTTP ${response.statusCode}`);
      this.lastFailure = { status: response.statusCode, headers: response.headers, body: raw };
      return false;
    }
    this.stream(account, response, movedFrom);
    return true;
  }

  /** One upstream attempt with retries on 5xx and network errors; undefined when all failed on the network. */
  private async send(
    account: string,
    credentials: Credentials | undefined,
    workspace: Workspace | undefined,
    movedFrom: string | undefined,
  ): Promise<UpstreamResponse | undefined> {
    const { config, agent, upstream } = this.ctx;
    const headers: Record<string, string | string[]> = { ...this.baseHeaders };
    if (credentials) {
      headers.authorization = `Bearer ${credentials.accessToken}`;
      if (credentials.accountId) headers["chatgpt-account-id"] = credentials.accountId;
    }
    const origin = applyWorkspace(headers, workspace, upstream.origin);
    // The turn state belongs to the account that issued it.
    if (movedFrom !== undefined) delete headers["x-codex-turn-state"];
    for (let attempt = 0; ; attempt++) {
      this.signal.throwIfAborted();
      let response: UpstreamResponse | undefined;
      let failure: string;
      try {
        response = await sendUpstream(agent, {
          origin,
          path: this.path,
          method: (this.req.method ?? "GET") as Dispatcher.HttpMethod,
          headers,
          body: this.body && this.body.length > 0 ? this.body : null,
          signal: this.signal,
          headersTimeout: config.timeoutMs,
        });
        if (response.statusCode < 500) return response;
        failure = `HTTP ${response.statusCode}`;
      } catch (error) {
        if (this.signal.aborted) throw error;
        failure = describeNetworkError(error);
        const timedOut = failure === "UND_ERR_HEADERS_TIMEOUT";
        this.lastFailure = {
          status: timedOut ? 504 : 502,
          headers: {},
          body: JSON.stringify({
            error: {
              message: `upstream ${timedOut ? "timed out" : `unreachable (${failure})`}`,
              type: "bad_gateway",
            },
          }),
        };
      }
      if (attempt >= config.upstreamRetries) {
        // A 5xx answer is recorded by the caller, which reads its body.
        if (!response && isLocalResourceError(failure)) {
          this.ctx.log(`${this.describe()} ${failure} on this machine: not counted against ${account}`);
        } else if (!response) this.ctx.router.recordFailure(account, `upstream ${failure}`);
        return response;
      }
      if (response) await response.dump();
      this.ctx.log(
        `${this.describe()} ${account} upstream ${failure}; retry ${attempt + 1}/${config.upstreamRetries}`,
      );
      await delay(backoffMs(config, attempt), this.signal);
    }
  }

  private stream(account: string, response: UpstreamResponse, movedFrom: string | undefined): void {
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
    const moved = movedFrom ? ` (moved from ${movedFrom}: ${this.moveReason ?? "moved"})` : "";
    const line = `${this.describe()} ${account}${moved} ${response.statusCode}`;
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

  /** No account could serve: every one out of quota (Codex's own 429), or the last failure. */
  private giveUp(): void {
    if (this.res.headersSent) return;
    if (this.lastFailure) {
      this.writeHead(this.lastFailure.status, this.lastFailure.headers);
      this.res.end(this.lastFailure.body);
      this.ctx.log(`${this.describe()} no account succeeded: ${this.lastFailure.status}`);
      return;
    }
    const { resetsAtMs, planType } = this.ctx.router.exhausted();
    if (resetsAtMs === undefined) {
      this.ctx.log(`${this.describe()} 503 no usable account`);
      sendJson(this.res, 503, {
        error: { message: "no cao account can serve this request (see `cao status`)", type: "no_account" },
      });
      return;
    }
    this.ctx.log(`${this.describe()} 429 every account is out of quota`);
    this.res.writeHead(429, { "content-type": "application/json" });
    this.res.end(usageLimitBody(resetsAtMs, planType));
  }

  private writeHead(status: number, headers: IncomingHttpHeaders): void {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    this.res.writeHead(status, out);
  }

  /** A body's decoded text for inspection ("" when it cannot be decoded: then it is only forwarded). */
  private inspect(raw: Buffer, headers: IncomingHttpHeaders): string {
    try {
      return decodeBody(raw, headers["content-encoding"]).toString("utf8");
    } catch (error) {
      this.ctx.log(`${this.describe()} cannot read the answer: ${(error as Error).message}`);
      return "";
    }
  }

  /** The SSE tap behind a decoder of the stream's content-encoding; the client still gets the bytes as sent. */
  private decodedTap(
    headers: IncomingHttpHeaders,
    tap: (chunk: Buffer) => void,
  ): { write(chunk: Buffer): void; end(): void } {
    const decoder = createStreamDecoder(headers["content-encoding"], tap, (error) =>
      this.ctx.log(`${this.describe()} cannot read the stream's rate limits: ${error.message}`),
    );
    return decoder ?? { write: tap, end() {} };
  }

  private describe(): string {
    const session = this.sessionKey ? ` session=${this.sessionKey.slice(0, 8)}` : "";
    return `${this.req.method} ${this.req.url}${session}`;
  }
}

function forwardableHeaders(
  headers: IncomingHttpHeaders,
  keepCredentials: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || OWN_REQUEST_HEADERS.has(name)) continue;
    if (!keepCredentials && CREDENTIAL_HEADERS.has(name)) continue;
    out[name] = value;
  }
  // Ask only for what the gateway can read itself: it must look inside error bodies and streams.
  const accept = readableAcceptEncoding(headers["accept-encoding"]);
  if (accept === undefined) delete out["accept-encoding"];
  else out["accept-encoding"] = accept;
  return out;
}

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

export function backoffMs(
  config: { upstreamRetryBaseMs: number; upstreamRetryMaxMs: number; upstreamRetryJitterMs: number },
  attempt: number,
): number {
  const exponential = Math.min(config.upstreamRetryMaxMs, config.upstreamRetryBaseMs * 2 ** attempt);
  return exponential + Math.random() * config.upstreamRetryJitterMs;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
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

function unauthorizedBody(): string {
  return JSON.stringify({
    error: {
      message: "the upstream rejected every token the gateway holds (see `cao status`)",
      type: "bad_gateway",
    },
  });
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
