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
  cork(): void;
  uncork(): void;
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
    this.send(false);
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
    this.send(true);
  }

  /** One write per socket read the chunks came from (usually one), corked into one syscall. */
  private send(last: boolean): void {
    const runs = this.bytes === 0 ? [] : joinRuns(this.chunks);
    this.chunks = [];
    this.bytes = 0;
    if (runs.length > 1) this.out.cork();
    for (let i = 0; i < runs.length; i++) {
      this.onWrite?.(runs[i]!);
      if (last && i === runs.length - 1) this.out.end(runs[i]!);
      else this.out.write(runs[i]!);
    }
    if (runs.length > 1) this.out.uncork();
    if (last && runs.length === 0) this.out.end();
  }
}

/**
 * The chunks, joined per socket read. undici hands over views into the read
 * they were parsed from, in order, with the chunked-encoding framing between
 * them: those are moved together in place, over framing that was already
 * parsed. No new buffer, no copy beyond the move: a stream makes no more
 * garbage than its read buffers (with 100 streams at once, garbage is the
 * gateway's peak RSS). undici may parse several reads before the flush; each
 * read is one run. Only bytes that are chunk framing are ever overwritten.
 */
export function joinRuns(chunks: Buffer[]): Buffer[] {
  const runs: Buffer[] = [];
  let start = 0;
  // One byte view per read buffer, to check the framing between chunks without allocating per chunk.
  let bytes: Uint8Array | undefined;
  for (let i = 1; i <= chunks.length; i++) {
    const previous = chunks[i - 1]!;
    const chunk = chunks[i];
    let continues = false;
    if (chunk !== undefined && chunk.buffer === previous.buffer) {
      if (bytes?.buffer !== previous.buffer) bytes = new Uint8Array(previous.buffer);
      continues = isFraming(bytes, previous.byteOffset + previous.length, chunk.byteOffset);
    }
    if (continues) continue;
    runs.push(joinInPlace(chunks, start, i));
    start = i;
  }
  return runs;
}

const MAX_FRAMING = 64;
const CR = 13;
const LF = 10;

/**
 * Whether bytes[from..to) are exactly chunk framing between two body chunks:
 * CRLF, the size in hex, optional extensions (`;...` without CR or LF), CRLF.
 */
export function isFraming(bytes: Uint8Array, from: number, to: number): boolean {
  if (to - from < 5 || to - from > MAX_FRAMING) return false;
  if (bytes[from] !== CR || bytes[from + 1] !== LF || bytes[to - 2] !== CR || bytes[to - 1] !== LF)
    return false;
  let at = from + 2;
  const sizeEnd = to - 2;
  const digitsFrom = at;
  while (at < sizeEnd && isHexDigit(bytes[at]!)) at++;
  if (at === digitsFrom) return false;
  if (at === sizeEnd) return true;
  if (bytes[at] !== 0x3b /* ; */) return false;
  for (at++; at < sizeEnd; at++) if (bytes[at] === CR || bytes[at] === LF) return false;
  return true;
}

function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** chunks[from..to), ascending views of one buffer, moved together at the first one's start. */
function joinInPlace(chunks: Buffer[], from: number, to: number): Buffer {
  const first = chunks[from]!;
  if (to - from === 1) return first;
  let at = first.length;
  for (let i = from + 1; i < to; i++) at += chunks[i]!.length;
  const whole = Buffer.from(first.buffer, first.byteOffset, at);
  at = first.length;
  for (let i = from + 1; i < to; i++) {
    // Leftward moves within one buffer: copy() handles the overlap.
    chunks[i]!.copy(whole, at);
    at += chunks[i]!.length;
  }
  return whole;
}
