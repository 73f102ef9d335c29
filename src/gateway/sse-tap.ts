/**
 * Watches a passing SSE stream for `codex.rate_limits` events without holding
 * it up or copying it: chunks go to the client untouched; this only searches
 * each one for the marker bytes (plus the few bytes around a chunk boundary)
 * and decodes and parses just the lines that carry it, about one per response.
 * Nothing is allocated for a chunk without the marker, and a chunk with it
 * costs the marker line, not the chunk (a chunk is one upstream read, up to
 * 64 KB, and decoding it whole for one line was most of a stream's garbage).
 */
const MARKER = Buffer.from("codex.rate_limits");
/** Bytes of the previous chunks kept, so a marker line that began there can be completed. */
const TAIL_BYTES = 256;
/** A marker line longer than this is not a rate-limit event: give up on it. */
const MAX_LINE = 64 * 1024;
const LF = 10;

export function createSseTap(onEvent: (event: unknown) => void): (chunk: Buffer) => void {
  // The stream's last bytes (at most TAIL_BYTES), copied into one buffer for the whole stream.
  const tail = Buffer.allocUnsafeSlow(TAIL_BYTES);
  let tailLength = 0;
  /** The start of a marker line whose end has not arrived yet. */
  let pending: Buffer | undefined;

  const parse = (line: Buffer) => {
    const text = line.toString("utf8");
    if (!text.startsWith("data:")) return;
    try {
      onEvent(JSON.parse(text.slice(5)));
    } catch {
      // Not JSON after all: nothing to learn from it.
    }
  };
  /** The part of the tail after its last newline before `end`: the start of a line that began there. */
  const lineStartInTail = (end: number) => {
    let start = end;
    while (start > 0 && tail[start - 1] !== LF) start--;
    return tail.subarray(start, tailLength);
  };
  /** Bytes of the marker's start that end the tail while the chunk begins with the rest (0: none). */
  const markerAcross = (chunk: Buffer) => {
    for (let inTail = Math.min(MARKER.length - 1, tailLength); inTail >= 1; inTail--) {
      if (chunk.length < MARKER.length - inTail) continue;
      let same = true;
      for (let j = 0; j < inTail && same; j++) same = tail[tailLength - inTail + j] === MARKER[j];
      for (let j = inTail; j < MARKER.length && same; j++) same = chunk[j - inTail] === MARKER[j];
      if (same) return inTail;
    }
    return 0;
  };
  const keepTail = (chunk: Buffer) => {
    if (chunk.length >= TAIL_BYTES) {
      chunk.copy(tail, 0, chunk.length - TAIL_BYTES);
      tailLength = TAIL_BYTES;
      return;
    }
    const kept = Math.min(tailLength, TAIL_BYTES - chunk.length);
    tail.copyWithin(0, tailLength - kept, tailLength);
    chunk.copy(tail, kept);
    tailLength = kept + chunk.length;
  };

  return (chunk) => {
    let from = 0;
    if (pending) {
      const end = chunk.indexOf(LF);
      if (end === -1) {
        pending = pending.length + chunk.length <= MAX_LINE ? Buffer.concat([pending, chunk]) : undefined;
        if (!pending) keepTail(chunk);
        return;
      }
      parse(Buffer.concat([pending, chunk.subarray(0, end)]));
      pending = undefined;
      from = end + 1;
    }
    // A marker line that began in an earlier chunk: its start, from the tail.
    let prefix: Buffer | undefined;
    let at: number;
    const across = from === 0 && tailLength > 0 ? markerAcross(chunk) : 0;
    if (across > 0) {
      prefix = lineStartInTail(tailLength - across);
      at = 0;
    } else at = chunk.indexOf(MARKER, from);
    while (at !== -1) {
      let lineStart = 0;
      if (prefix === undefined) {
        lineStart = chunk.lastIndexOf(LF, at) + 1;
        if (lineStart === 0 && from === 0 && tailLength > 0) prefix = lineStartInTail(tailLength);
      }
      const end = chunk.indexOf(LF, at);
      const rest = end === -1 ? chunk.subarray(lineStart) : chunk.subarray(lineStart, end);
      const line = prefix && prefix.length > 0 ? Buffer.concat([prefix, rest]) : rest;
      prefix = undefined;
      if (end === -1) {
        // The line goes on in the next chunk (copied: the chunk is the client's).
        if (line.length <= MAX_LINE) {
          pending = Buffer.from(line);
          tailLength = 0;
          return;
        }
        break;
      }
      parse(line);
      from = end + 1;
      at = chunk.indexOf(MARKER, from);
    }
    keepTail(chunk);
  };
}
