import type { IncomingHttpHeaders } from "node:http";
import type { Agent, Dispatcher } from "undici";
import { type ClientOut, CoalescedWriter, MAX_UNSENT } from "./coalesced-write.js";
import { decodeBody, OWN_ACCEPT_ENCODING } from "./content-encoding.js";

/**
 * One upstream exchange on undici's low-level dispatch API: the response
 * arrives with its first body bytes held (up to a bound), and the caller decides what it is for (stream
 * it to the client, read a small error body, or drop it). Streaming writes
 * straight to the client socket, one write per upstream read, and pauses the
 * upstream socket while the client is slow: no intermediate stream and nothing
 * buffered beyond a bound, which is where the time and memory of a proxy go.
 */
export interface UpstreamRequest {
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string | string[]>;
  body: Buffer | string | null;
  headersTimeout: number;
  /** Bounds the gaps between body chunks; 0 (the default) for model streams, which may pause for minutes. */
  bodyTimeout?: number;
  signal?: AbortSignal;
}

interface Sink {
  data(chunk: Buffer): boolean;
  end(): void;
  error(error: Error): void;
}

/**
 * Body bytes kept for the caller before it attaches (it does within a few
 * microtasks of the head): the same bound a stream may hold unsent for a slow
 * client. The body that came in the head's own socket read is simply kept;
 * only past this much is undici paused, because a pause makes it push the
 * rest of the read back and parse it again on resume.
 */
const MAX_EARLY_BYTES = MAX_UNSENT;

export class UpstreamResponse {
  private sink: Sink | undefined;
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private finished: { error?: Error } | undefined;

  constructor(
    readonly statusCode: number,
    readonly headers: IncomingHttpHeaders,
    private readonly controller: Dispatcher.DispatchController,
  ) {}

  /**
   * Streams the body to `out` with backpressure, one write per upstream socket
   * read (coalesced-write.ts); `onChunk` sees every write first.
   */
  pipeTo(out: ClientOut, onChunk?: (chunk: Buffer) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const writer = new CoalescedWriter(out, this.controller, onChunk);
      this.attach({
        data: (chunk) => writer.push(chunk),
        end: () => {
          writer.end();
          resolve();
        },
        error: (error) => {
          // What arrived before the break still goes out (the caller then cuts the connection).
          writer.flush();
          reject(error);
        },
      });
    });
  }

  /** The whole body as it came, still encoded (error answers are small). */
  bytes(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    return new Promise((resolve, reject) => {
      this.attach({
        data: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        end: () => resolve(Buffer.concat(chunks)),
        error: reject,
      });
    });
  }

  /** The whole body decoded as its `content-encoding` says, as text; rejects if it cannot be decoded. */
  async text(): Promise<string> {
    return decodeBody(await this.bytes(), this.headers["content-encoding"]).toString("utf8");
  }

  /** Reads and drops the body, so the connection can be reused. */
  async dump(): Promise<void> {
    await this.bytes().catch(() => {});
  }

  // Called by the handler.
  deliver(chunk: Buffer): void {
    if (this.sink) {
      if (!this.sink.data(chunk)) this.controller.pause();
      return;
    }
    this.early.push(chunk);
    this.earlyBytes += chunk.length;
    if (this.earlyBytes >= MAX_EARLY_BYTES) this.controller.pause();
  }

  complete(error?: Error): void {
    if (!this.sink) this.finished = error ? { error } : {};
    else if (error) this.sink.error(error);
    else this.sink.end();
  }

  private attach(sink: Sink): void {
    this.sink = sink;
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    let flowing = true;
    for (const chunk of early) flowing = sink.data(chunk) && flowing;
    if (this.finished) {
      if (this.finished.error) sink.error(this.finished.error);
      else sink.end();
      return;
    }
    if (flowing) this.controller.resume();
  }
}

/** Sends one request; resolves when the response head arrives (body held, see MAX_EARLY_BYTES), rejects on a network error. */
export function sendUpstream(agent: Agent, request: UpstreamRequest): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    let response: UpstreamResponse | undefined;
    let controller: Dispatcher.DispatchController | undefined;
    const { signal } = request;
    const onAbort = () =>
      controller?.abort(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    const done = () => signal?.removeEventListener("abort", onAbort);
    signal?.addEventListener("abort", onAbort, { once: true });
    agent.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: request.headersTimeout,
        bodyTimeout: request.bodyTimeout ?? 0,
      },
      {
        onRequestStart(started) {
          controller = started;
          if (signal?.aborted) onAbort();
        },
        onResponseStart(started, statusCode, headers) {
          response = new UpstreamResponse(statusCode, headers, started);
          resolve(response);
        },
        onResponseData(_controller, chunk) {
          response?.deliver(chunk);
        },
        onResponseEnd() {
          done();
          response?.complete();
        },
        onResponseError(_controller, error) {
          done();
          if (response) response.complete(error);
          else reject(error);
        },
      },
    );
  });
}

/**
 * A small exchange (token refresh, usage check): status and the whole body as
 * decoded text. It accepts compression as Codex does (docs/gateway.md).
 */
export async function fetchText(
  agent: Agent,
  request: Omit<UpstreamRequest, "headersTimeout" | "bodyTimeout" | "signal"> & { timeoutMs: number },
): Promise<{ status: number; text: string }> {
  const { timeoutMs, headers, ...rest } = request;
  const response = await sendUpstream(agent, {
    ...rest,
    headers: { "accept-encoding": OWN_ACCEPT_ENCODING, ...headers },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return { status: response.statusCode, text: await response.text() };
}
