/**
 * Watches a passing SSE stream for `codex.rate_limits` events without holding
 * it up or copying it: chunks go to the client untouched; this only searches
 * each one for the marker bytes (plus the few bytes around a chunk boundary)
 * and assembles and parses just the lines that carry it, about one per response.
 */
const MARKER = Buffer.from("codex.rate_limits");
/** Bytes of the previous chunk kept, so a marker line that began there can be completed. */
const TAIL_BYTES = 256;
/** A marker line longer than this is not a rate-limit event: give up on it. */
const MAX_LINE = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export function createSseTap(onEvent: (event: unknown) => void): (chunk: Buffer) => void {
  let tail: Buffer = EMPTY;
  let pending: Buffer | undefined;
  return (chunk) => {
    let data: Buffer;
    if (pending) {
      data = Buffer.concat([pending, chunk]);
    } else {
      const across =
        tail.length > 0 &&
        Buffer.concat([tail.subarray(-MARKER.length), chunk.subarray(0, MARKER.length)]).includes(MARKER);
      if (!across && !chunk.includes(MARKER)) {
        tail = lastBytes(tail, chunk);
        return;
      }
      data = Buffer.concat([tail, chunk]);
    }
    pending = undefined;
    const lastNewline = data.lastIndexOf(10);
    for (const line of data
      .subarray(0, lastNewline + 1)
      .toString("utf8")
      .split("\n")) {
      if (!line.startsWith("data:") || !line.includes("codex.rate_limits")) continue;
      try {
        onEvent(JSON.parse(line.slice(5)));
      } catch {
        // Not JSON after all: nothing to learn from it.
      }
    }
    const rest = data.subarray(lastNewline + 1);
    if (rest.includes(MARKER) && rest.length <= MAX_LINE) {
      pending = Buffer.from(rest);
      tail = EMPTY;
    } else tail = lastBytes(EMPTY, data);
  };
}

/** The stream's last TAIL_BYTES (a short chunk extends the previous tail), copied. */
function lastBytes(tail: Buffer, chunk: Buffer): Buffer {
  if (chunk.length >= TAIL_BYTES) return Buffer.from(chunk.subarray(-TAIL_BYTES));
  return Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
}
