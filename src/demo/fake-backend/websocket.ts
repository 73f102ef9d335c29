import type http from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { authenticate, gateModelRequest, sessionIdOf } from "./admission.js";
import { MODEL_BASES } from "./http-routes.js";
import { delay, serveTurn } from "./model-turn.js";
import { emptyResponseEvents, type ResponseEvent, responseIdOf } from "./responses-events.js";
import type { BackendState } from "./state.js";
import { isRecord, parseTurn } from "./turn-input.js";
import type { RecordedRequest } from "./types.js";

const MAX_BUFFERED_BYTES = 1024 * 1024;
const YIELD_BYTES = 16 * 1024;

/**
 * Answers WebSocket upgrades on `{base}/responses`: with 426 by default (Codex
 * then uses HTTP SSE for the session at once), or, with `websocket: true`, by
 * serving the Responses WebSocket protocol: `response.create` messages in,
 * one event per text frame out, state (previous responses) per connection.
 */
export function attachUpgrades(server: http.Server, state: BackendState): { closeAll(): void } {
  const wss = state.options.websocket ? new WebSocketServer({ noServer: true }) : undefined;
  // The upgrade answer carries the usage headers like every HTTP response.
  wss?.on("headers", (headers, req) => {
    const auth = authenticate(state, req.headers);
    if (auth.ok)
      for (const [name, value] of Object.entries(auth.account.rateLimitHeaders()))
        headers.push(`${name}: ${value}`);
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const sessionId = sessionIdOf(req.headers);
    const isResponses = MODEL_BASES.some((base) => path === `${base}/responses`);
    if (!wss || !isResponses) {
      state.record({ method: "GET", path, accountId: undefined, sessionId, status: 426 });
      socket.end("HTTP/1.1 426 Upgrade Required\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    const auth = authenticate(state, req.headers);
    if (!auth.ok) {
      state.record({ method: "GET", path, accountId: undefined, sessionId, status: 401 });
      const body = JSON.stringify(auth.body);
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    state.record({
      method: "GET",
      path,
      accountId: auth.accountId,
      sessionId,
      status: 101,
      transport: "websocket",
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      new ResponsesConnection(state, ws, auth.accountId, path, sessionId).listen();
    });
  });
  // Upgraded sockets are no longer the HTTP server's to close.
  return {
    closeAll: () => {
      for (const ws of wss?.clients ?? []) ws.terminate();
    },
  };
}

/** One Codex WebSocket session: requests are handled one after another, as Codex sends them. */
class ResponsesConnection {
  /**
   * Response ids this connection produced (the only valid `previous_response_id`s: state is per
   * connection), each with the user text of its request, since a follow-up sends only new input.
   */
  private readonly knownResponses = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private sentSinceYield = 0;

  constructor(
    private readonly state: BackendState,
    private readonly ws: WebSocket,
    private readonly accountId: string,
    private readonly path: string,
    private readonly sessionId: string | undefined,
  ) {}

  listen(): void {
    this.ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = String(data);
      this.queue = this.queue.then(() => this.handle(text)).catch(() => this.ws.terminate());
    });
  }

  private async handle(text: string): Promise<void> {
    const message: unknown = JSON.parse(text);
    if (!isRecord(message) || message.type !== "response.create") return;
    const turn = parseTurn(message);
    const previousUserText = turn.previousResponseId ? this.knownResponses.get(turn.previousResponseId) : "";
    if (previousUserText === undefined) {
      this.record(400, turn.hasToolOutput);
      return this.send({
        type: "error",
        status: 400,
        error: {
          type: "invalid_request_error",
          code: "previous_response_not_found",
          message: `Previous response with id '${turn.previousResponseId}' not found.`,
        },
      });
    }
    const account = this.state.account(this.accountId);
    if (!turn.generate) {
      // A prewarm: Codex sends its context ahead of the turn; it costs no quota.
      this.record(200, false, { prewarm: true });
      return this.stream(emptyResponseEvents(), turn.userText);
    }
    if (!turn.userText) turn.userText = previousUserText;
    const { fault, refusal } = gateModelRequest(this.state, this.accountId, account);
    this.record(refusal?.status ?? 200, turn.hasToolOutput, fault ? { fault: fault.kind } : {});
    if (refusal)
      return this.send({ type: "error", status: refusal.status, ...refusal.body, headers: refusal.headers });
    if (fault?.kind === "delay") {
      const gone = new AbortController();
      this.ws.once("close", () => gone.abort());
      await delay(fault.delayMs, gone.signal);
    }
    const { events } = serveTurn(this.state, account, this.accountId, turn, this.sessionId);
    await this.stream(events, turn.userText, fault?.kind === "reset" ? fault.afterEvents : -1);
  }

  private async stream(events: Iterable<ResponseEvent>, userText: string, cutAt = -1): Promise<void> {
    let index = 0;
    for (const event of events) {
      if (index++ === cutAt) {
        this.ws.terminate();
        return;
      }
      const id = event.type === "response.created" ? responseIdOf(event) : undefined;
      if (id) this.knownResponses.set(id, userText);
      await this.send(event);
    }
  }

  /**
   * Sends one event frame. Waits for the socket when a lot is queued (backpressure) and yields to
   * the event loop every YIELD_BYTES, so a client in the same process can read a long reply as it
   * is produced (the same policy as the SSE writer).
   */
  private send(event: ResponseEvent): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.resolve();
    const payload = JSON.stringify(event);
    this.sentSinceYield += payload.length;
    if (this.ws.bufferedAmount >= MAX_BUFFERED_BYTES)
      return new Promise((resolve) => this.ws.send(payload, () => resolve()));
    this.ws.send(payload);
    if (this.sentSinceYield < YIELD_BYTES) return Promise.resolve();
    this.sentSinceYield = 0;
    return new Promise((resolve) => setImmediate(resolve));
  }

  private record(
    status: number,
    hasToolOutput: boolean,
    extra: Pick<RecordedRequest, "prewarm" | "fault"> = {},
  ): void {
    this.state.record({
      method: "WS",
      path: this.path,
      accountId: this.accountId,
      sessionId: this.sessionId,
      status,
      hasToolOutput,
      transport: "websocket",
      ...extra,
    });
  }
}
