/**
 * The write side of a streamed answer: the body chunks undici parses out of
 * one upstream socket read reach the client as one write (one HTTP chunk, one
 * syscall) instead of one per upstream chunk. A server that writes each ~1 KB
 * SSE event as its own chunk otherwise costs ~1000 client writes per MB, and
 * the client as many chunks to parse, where a bare relay does ~20.
 *
 * undici delivers every chunk of a read synchronously, so a microtask queued
 * at the first one runs once the read is parsed: that is the flush. Nothing
 * waits on a timer, so no latency is added.
 *
 * Backpressure: up to MAX_UNSENT bytes may wait for a slow client before the
 * upstream is paused (Node's 16 KB high-water mark would pause and resume
 * undici, which then re-parses what it pushed back, several times per MB); it
 * resumes once the client has taken everything. So per stream at most
 * MAX_UNSENT plus one socket read is held, however slow the client.
 */
export const MAX_UNSENT = 64 * 1024;

export interface ClientOut {
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): void;
  readonly writableLength: number;
  once(event: "drain", listener: () => void): unknown;
}

export interface UpstreamFlow {
  pause(): void;
  resume(): void;
}

export class CoalescedWriter {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private flushQueued = false;
  private waitingForDrain = false;
  private readonly flushTask = () => {
    this.flushQueued = false;
    this.flush();
  };

  constructor(
    private readonly out: ClientOut,
    private readonly upstream: UpstreamFlow,
    /** Sees every write before the client does (the SSE tap). */
    private readonly onWrite?: (data: Buffer) => void,
  ) {}

  /** Queues one upstream chunk; false while the upstream should stay paused. */
  push(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes >= MAX_UNSENT) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushTask);
    }
    return !this.waitingForDrain;
  }

  /** Writes what is queued now (the end of a read, or a full batch). */
  flush(): void {
    const data = this.take();
    if (!data) return;
    this.out.write(data);
    if (!this.waitingForDrain && this.out.writableLength >= MAX_UNSENT) {
      this.waitingForDrain = true;
      this.upstream.pause();
      this.out.once("drain", () => {
        this.waitingForDrain = false;
        this.upstream.resume();
      });
    }
  }

  /** The last bytes go out with the end of the body (one syscall, not two). */
  end(): void {
    const data = this.take();
    if (data) this.out.end(data);
    else this.out.end();
  }

  private take(): Buffer | undefined {
    if (this.bytes === 0) return undefined;
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    this.onWrite?.(data);
    return data;
  }
}
