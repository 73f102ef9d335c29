/**
 * Watches a passing SSE stream for `codex.rate_limits` events without holding
 * it up: chunks are forwarded untouched by the caller; this only looks for the
 * marker bytes and parses the few lines that carry it. A partial line at a
 * chunk's end is kept (bounded) until its newline arrives.
 */
const MARKER = Buffer.from("codex.rate_limits");
const MAX_CARRY = 64 * 1024;

export function createSseTap(onEvent: (event: unknown) => void): (chunk: Buffer) => void {
  let carry: Buffer | undefined;
  return (chunk) => {
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    const lastNewline = data.lastIndexOf(10);
    carry = lastNewline === data.length - 1 ? undefined : Buffer.from(data.subarray(lastNewline + 1));
    if (carry && carry.length > MAX_CARRY) carry = undefined;
    if (lastNewline < 0 || data.indexOf(MARKER) < 0 || data.indexOf(MARKER) > lastNewline) return;
    for (const line of data.subarray(0, lastNewline).toString("utf8").split("\n")) {
      if (!line.startsWith("data:") || !line.includes("codex.rate_limits")) continue;
      try {
        onEvent(JSON.parse(line.slice(5)));
      } catch {
        // Not JSON after all: nothing to learn from it.
      }
    }
  };
}
