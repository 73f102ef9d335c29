import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import WebSocket, { type RawData, WebSocketServer } from "ws";
import { markVerified } from "./connection-guard.js";
import { bearerOf, type GatewayContext, sessionKeyOf, upstreamPath } from "./context.js";
import { retryDelayMs } from "./failover.js";
import { poolViewAccount, rateLimitsEventWith } from "./pool-view.js";
import type { Served } from "./router.js";
import { rateLimitsFromEvent, usageLimitBody } from "./signals.js";
import { turnIdOfFrame } from "./turn-id.js";
import { corkUntilReadHandled } from "./websocket-cork.js";
import {
  createdResponseId,
  parseFrame,
  peekType,
  previousResponseNotFoundFrame,
  RESPONSE_END_TYPES,
  readResponseCreate,
  usageLimitFrame,
  usageLimitOfEvent,
  withPreviousResponseId,
} from "./websocket-frames.js";
import { describeSession, openUpstream, type UpstreamRequest } from "./websocket-upstream.js";

/**
 * The Responses WebSocket (`GET /v1/responses` upgrade), proxied frame by
 * frame to the routed account's upstream socket. Codex keeps one connection
 * per session and the upstream keeps response state on it, so moving a
 * session to another account means a new upstream connection:
 *
 * - a usage limit (error event) on a request that does not build on earlier
 *   responses: the request is sent again on a fresh upstream under the next
 *   account, and Codex never sees the error;
 * - one that does (`previous_response_id`): Codex gets
 *   `previous_response_not_found`, resends the full input, and that goes to
 *   the new account.
 * - Proactive moves (rate-limit headers and `codex.rate_limits` events put the
 *   account past its threshold) happen the same way, at the next request.
 *
 * Frames pass through as they are (text stays text); only event types are
 * peeked. Ping/pong and close codes are relayed.
 */
const acceptor = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  autoPong: false,
  maxPayload: 64 * 1024 * 1024,
});
/** Headers to add to one client's 101 answer (set right before `handleUpgrade`, which emits "headers" synchronously). */
const upgradeHeaders = new WeakMap<IncomingMessage, string[]>();
acceptor.on("headers", (headers, req) => {
  headers.push(...(upgradeHeaders.get(req) ?? []));
});

/** Live sessions per gateway, so stopping the gateway can close them (upgraded sockets outlive server.close). */
const sessions = new WeakMap<GatewayContext, Set<ResponsesSession>>();
/** Above this many bytes queued for the client, reading from upstream pauses (backpressure). */
const HIGH_WATER = 1024 * 1024;

export async function handleResponsesWebSocket(
  ctx: GatewayContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  socket.on("error", () => socket.destroy());
  const url = req.url ?? "/";
  const path = upstreamPath(ctx, url);
  if (path === undefined || !/\/responses(\?|$)/.test(url)) return reject(socket, 404, "not found");
  const caller = ctx.tokens.authenticate(bearerOf(req.headers.authorization));
  if (caller === undefined) {
    ctx.strangers.unauthorized("WS", url);
    return reject(socket, 401, "the cao gateway only serves the tokens of your own accounts");
  }
  markVerified(req.socket);
  const request: UpstreamRequest = {
    path,
    clientHeaders: req.headers,
    sessionKey: sessionKeyOf(req.headers),
    caller,
    tried: new Set(),
  };
  const upstream = await openUpstream(ctx, request);
  if (socket.destroyed) {
    if (upstream.kind === "open") upstream.socket.close(1001);
    return;
  }
  if (upstream.kind === "exhausted") {
    const { resetsAtMs, planType } = ctx.router.exhausted();
    ctx.log(`WS ${describeSession(request)} 429 every account is out of quota`);
    return reject(socket, 429, usageLimitBody(resetsAtMs, planType), true);
  }
  if (upstream.kind === "unavailable") {
    // 426 makes Codex use HTTP for the session at once (no visible retries); the HTTP proxy then routes it.
    ctx.log(`WS ${describeSession(request)} 426: ${upstream.reason}; codex falls back to HTTP`);
    socket.end("HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  upgradeHeaders.set(req, upstream.relayHeaders);
  acceptor.handleUpgrade(req, socket, head, (client) => {
    const session = new ResponsesSession(ctx, client, request, upstream.socket, upstream.account);
    const live = sessions.get(ctx) ?? new Set<ResponsesSession>();
    sessions.set(ctx, live);
    live.add(session);
    client.once("close", () => live.delete(session));
  });
}

/** Closes every WebSocket session of a gateway that is shutting down (1001: going away). */
export function closeWebSockets(ctx: GatewayContext): void {
  for (const session of sessions.get(ctx) ?? []) session.close(1001, "gateway stopping");
}

function reject(socket: Duplex, status: number, message: string, json = false): void {
  const body = json
    ? message
    : JSON.stringify({ error: { message, type: status === 401 ? "unauthorized" : "not_found" } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 429 ? "Too Many Requests" : status === 401 ? "Unauthorized" : "Not Found"}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

interface PendingRequest {
  frame: Buffer;
  previousResponseId: string | undefined;
  generate: boolean;
  /** Whether any event of its response reached Codex (then it cannot be replayed unseen). */
  answered: boolean;
  /** Upstream 5xx error events already retried (up to `--upstream-retries`). */
  retries: number;
}

/** Prewarms remembered per session (Codex chains each turn on the prewarm just before it). */
const MAX_PREWARMS = 4;

class ResponsesSession {
  private upstream: WebSocket | undefined;
  private pending: PendingRequest | undefined;
  /** Prewarm frames by the response id they got: a turn chained on one can be replayed on another account. */
  private readonly prewarms = new Map<string, Buffer>();
  /** While a prewarm is replayed on a new upstream: its events are Codex's already, so they are swallowed. */
  private replaying: ((responseId: string | undefined) => void) | undefined;
  private replayedId: string | undefined;
  /** Client frames are handled in order, one at a time (a move may be in progress). */
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly client: WebSocket,
    private readonly request: UpstreamRequest,
    upstream: WebSocket,
    private account: string,
  ) {
    this.attach(upstream);
    client.on("message", (data, isBinary) => {
      this.work = this.work
        .then(() => this.fromClient(data, isBinary))
        .catch((error: unknown) => this.fail(error));
    });
    client.on("ping", (data) => (this.upstream ? this.upstream.ping(data) : client.pong(data)));
    client.on("pong", (data) => this.upstream?.pong(data));
    client.on("close", (code, reason) => {
      this.closed = true;
      this.upstream?.close(...closeArgs(code, reason));
    });
    client.on("error", (error) => this.log(`client error: ${error.message}`));
  }

  close(code: number, reason: string): void {
    this.client.close(code, reason);
    this.upstream?.terminate();
  }

  private attach(upstream: WebSocket): void {
    this.upstream = upstream;
    upstream.on("message", (data, isBinary) => this.fromUpstream(upstream, data, isBinary));
    upstream.on("ping", (data) => this.client.ping(data));
    upstream.on("pong", (data) => this.client.pong(data));
    upstream.on("close", (code, reason) => {
      if (this.upstream !== upstream) return; // one we replaced
      this.upstream = undefined;
      if (!this.closed) this.client.close(...closeArgs(code, reason));
    });
    upstream.on("error", (error) => this.log(`${this.account} upstream error: ${error.message}`));
  }

  private async fromClient(data: RawData, isBinary: boolean): Promise<void> {
    const frame = isBinary ? undefined : asBuffer(data);
    const create = frame && readResponseCreate(frame);
    if (frame && create) {
      this.request.tried.clear();
      this.pending = { frame, ...create, answered: false, retries: 0 };
      if (this.routedElsewhere()) {
        // Past a threshold or cooling down: move now, between responses, as after a usage limit.
        await this.resend("routed elsewhere before the next request", {});
        return;
      }
    }
    if (!this.upstream && !(await this.reconnect())) return;
    if (create && frame) this.attempt(frame, create.generate);
    this.upstream?.send(data, { binary: isBinary });
  }

  /** A request sent on this account: recorded, and one log line per turn (not per prewarm), like HTTP's. */
  private attempt(frame: Buffer, generate: boolean): void {
    const turn = turnIdOfFrame(frame);
    const served: Served = { session: this.request.sessionKey, turn, transport: "websocket" };
    this.ctx.router.recordAttempt(this.account, served);
    if (generate) this.log(`${this.account} turn ${turn ?? "(no turn id)"}`);
  }

  /** Whether the router now wants this session on another account (it keeps the session there). */
  private routedElsewhere(): boolean {
    if (this.ctx.config.passthroughAuth) return false;
    const choice = this.ctx.router.pick(this.request.sessionKey);
    return choice !== undefined && choice.account !== this.account;
  }

  private fromUpstream(upstream: WebSocket, data: RawData, isBinary: boolean): void {
    if (upstream !== this.upstream) return;
    if (!isBinary) {
      const frame = asBuffer(data);
      const type = peekType(frame);
      if (this.replaying) {
        this.swallowReplayed(type, frame);
        return;
      }
      if (type === "response.created" && this.pending && !this.pending.generate) {
        this.rememberPrewarm(this.pending.frame, frame);
      }
      if (type === "error") {
        const event = parseFrame(frame);
        const limit = event && usageLimitOfEvent(event);
        if (limit) this.ctx.router.recordUsageLimit(this.account, limit);
        if (limit && !this.ctx.config.passthroughAuth) {
          // The account ran out: continue on the next one without Codex seeing the error.
          this.continueElsewhere(limit.type, { leaveAccount: true });
          return;
        }
        const status = typeof event?.status === "number" ? event.status : 0;
        const pending = this.pending;
        const wait =
          status >= 500 && pending && !pending.answered
            ? retryDelayMs(this.ctx.config, pending.retries)
            : undefined;
        if (pending && wait !== undefined) {
          // A server error before any answer: retried on a fresh upstream, as failover.ts retries a 5xx.
          pending.retries++;
          this.ctx.router.recordFailure(this.account, `websocket error event ${status}`);
          this.continueElsewhere(`error ${status}`, { delayMs: wait });
          return;
        }
      } else if (type === "codex.rate_limits") {
        const event = parseFrame(frame);
        const limits = rateLimitsFromEvent(event);
        if (limits) this.ctx.router.recordRateLimits(this.account, limits);
        const shown = event && this.poolView(event);
        if (shown) {
          corkUntilReadHandled(this.client);
          this.client.send(shown, { binary: false });
          return;
        }
      } else if (type !== undefined && RESPONSE_END_TYPES.has(type)) {
        if (type !== "response.failed") this.ctx.router.recordSuccess(this.account);
        this.pending = undefined;
      }
      if (this.pending && type !== "codex.rate_limits") this.pending.answered = true;
    }
    corkUntilReadHandled(this.client);
    this.client.send(data, { binary: isBinary });
    if (this.client.bufferedAmount > HIGH_WATER) this.pauseUntilDrained(upstream);
  }

  /** The event as Codex should see it when the next turn goes to another account (pool-view.ts), else undefined. */
  private poolView(event: Record<string, unknown>): string | undefined {
    if (this.ctx.config.passthroughAuth) return undefined;
    const next = poolViewAccount(this.ctx.router, this.account);
    const limits = next === undefined ? undefined : this.ctx.router.rateLimitsOf(next);
    return limits && JSON.stringify(rateLimitsEventWith(event, limits));
  }

  private continueElsewhere(reason: string, options: { leaveAccount?: boolean; delayMs?: number }): void {
    this.work = this.work
      .then(() => this.resend(reason, options))
      .catch((error: unknown) => this.fail(error));
  }

  /**
   * The pending request failed upstream: open a fresh upstream (under the
   * next account when `leaveAccount`) and send it there unseen, or, when it
   * built on the old connection's state, ask Codex to resend the full input.
   */
  private async resend(reason: string, options: { leaveAccount?: boolean; delayMs?: number }): Promise<void> {
    const pending = this.pending;
    const from = this.account;
    this.dropUpstream();
    if (options.leaveAccount) this.request.tried.add(from);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (!(await this.reconnect())) return;
    this.log(`${from} ${reason}: session ${this.account === from ? "reopened" : `moved to ${this.account}`}`);
    if (!pending) return;
    if (!pending.answered) {
      const frame = await this.replayable(pending);
      if (frame) {
        this.attempt(pending.frame, pending.generate);
        this.upstream?.send(frame, { binary: false });
        return;
      }
    }
    this.pending = undefined;
    this.client.send(previousResponseNotFoundFrame(pending.previousResponseId ?? "unknown"));
  }

  /**
   * The request to send on the new upstream in place of `pending`: itself when
   * it stands alone, or, when it is chained on a prewarm, itself chained on
   * that prewarm replayed on the new upstream. Undefined when it builds on a
   * generated response (only Codex can resend that context).
   */
  private async replayable(pending: PendingRequest): Promise<Buffer | string | undefined> {
    if (pending.previousResponseId === undefined) return pending.frame;
    const prewarm = this.prewarms.get(pending.previousResponseId);
    if (!prewarm || !this.upstream) return undefined;
    const upstream = this.upstream;
    const replayedId = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), this.ctx.config.timeoutMs);
      this.replaying = (id) => {
        clearTimeout(timer);
        resolve(id);
      };
      upstream.send(prewarm, { binary: false });
    });
    this.replaying = undefined;
    this.replayedId = undefined;
    if (!replayedId || this.upstream !== upstream) return undefined;
    this.rememberPrewarm(prewarm, undefined, replayedId);
    return withPreviousResponseId(pending.frame, replayedId);
  }

  private swallowReplayed(type: string | undefined, frame: Buffer): void {
    if (type === "response.created") this.replayedId = createdResponseId(frame);
    else if (type === "error") this.replaying?.(undefined);
    else if (type !== undefined && RESPONSE_END_TYPES.has(type)) this.replaying?.(this.replayedId);
  }

  private rememberPrewarm(
    prewarm: Buffer,
    created: Buffer | undefined,
    id = created && createdResponseId(created),
  ): void {
    if (!id) return;
    this.prewarms.set(id, prewarm);
    if (this.prewarms.size > MAX_PREWARMS) this.prewarms.delete(this.prewarms.keys().next().value as string);
  }

  /** Opens a fresh upstream for this session; false (and Codex told) when no account can take it. */
  private async reconnect(): Promise<boolean> {
    const result = await openUpstream(this.ctx, this.request);
    if (this.closed) {
      if (result.kind === "open") result.socket.close(1000);
      return false;
    }
    if (result.kind === "open") {
      this.account = result.account;
      this.attach(result.socket);
      return true;
    }
    this.pending = undefined;
    if (result.kind === "exhausted") {
      const { resetsAtMs, planType } = this.ctx.router.exhausted();
      this.log("every account is out of quota");
      this.client.send(usageLimitFrame(usageLimitBody(resetsAtMs, planType)));
    } else {
      // Codex reconnects; the new upgrade is answered 426 and it continues over HTTP.
      this.log(`no upstream: ${result.reason}`);
      this.client.close(1011, "no upstream available");
    }
    return false;
  }

  private dropUpstream(): void {
    const old = this.upstream;
    this.upstream = undefined;
    old?.close(1000);
  }

  private pauseUntilDrained(upstream: WebSocket): void {
    upstream.pause();
    const check = () => {
      if (this.client.bufferedAmount > HIGH_WATER / 2 && this.client.readyState === WebSocket.OPEN) {
        setTimeout(check, 5);
        return;
      }
      upstream.resume();
    };
    setTimeout(check, 5);
  }

  private fail(error: unknown): void {
    this.log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    this.client.close(1011, "gateway error");
    this.upstream?.terminate();
  }

  private log(line: string): void {
    this.ctx.log(`WS ${describeSession(this.request)} ${line}`);
  }
}

/** Close codes that may be sent on the other side (1005/1006/1015 are reserved for "none"/"abnormal"). */
function closeArgs(code: number, reason: Buffer): [number?, Buffer?] {
  if ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)) {
    return [code, reason];
  }
  return code === 1005 ? [] : [1011, reason];
}

function asBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
