import type { ServerResponse } from "node:http";
import { delay } from "./model-turn.js";
import type { ResponseEvent } from "./responses-events.js";
import type { FakePace } from "./types.js";

/** Bytes collected before one socket write: few syscalls for many small deltas, still streaming. */
const FLUSH_BYTES = 16 * 1024;

/**
 * Streams events as Server-Sent Events. The first event goes out alone (time
 * to first byte matters); later ones are batched up to FLUSH_BYTES and written
 * with backpressure, so a large reply is neither buffered whole nor slowed by
 * one write per delta. Resolves false if the client went away.
 * A `burst` pace writes each event on its own, all at once, instead; a
 * `spread` one waits between writes (see FakePace). `compressed` sends the
 * text through the response's content coding instead of as it is.
 */
export async function writeSse(
  res: ServerResponse,
  events: Iterable<ResponseEvent>,
  beforeEvent?: (index: number) => "continue" | "reset",
  pace?: FakePace,
  compressed?: { send(chunk: string): Promise<void>; end(): void },
): Promise<boolean> {
  const flushBytes = pace?.kind === "spread" ? (pace.bytesPerWrite ?? FLUSH_BYTES) : FLUSH_BYTES;
  const gone = new AbortController();
  res.once("close", () => gone.abort());
  const write = async (chunk: string): Promise<boolean> => {
    if (!compressed) return writePlain(res, chunk);
    await compressed.send(chunk);
    return res.writableNeedDrain ? drained(res) : !res.destroyed;
  };
  // A burst's writes leave in one syscall (writev), as a server's buffered output does.
  const burst = pace?.kind === "burst" && !compressed;
  if (burst) res.cork();
  let pending = "";
  let index = 0;
  for (const event of events) {
    if (beforeEvent?.(index) === "reset") {
      // Deliver the events before the cut, then close the connection with the response unfinished
      // (destroying it at once could discard queued events and make the cut point random).
      if (pending) await write(pending);
      const socket = res.socket;
      if (socket && !socket.destroyed) await new Promise<void>((resolve) => socket.end(resolve));
      socket?.destroy();
      return false;
    }
    pending += `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;
    if (burst) {
      res.write(pending);
      pending = "";
    } else if (index === 0 || pending.length >= flushBytes) {
      if (!(await write(pending))) return false;
      pending = "";
      if (pace?.kind === "spread") await delay(pace.everyMs, gone.signal);
    }
    index++;
  }
  if (burst) res.uncork();
  if (pending && !(await write(pending))) return false;
  if (compressed) compressed.end();
  else res.end();
  return true;
}

function writePlain(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  // Yield to the event loop after each write even without backpressure: a client in the same
  // process (tests, benchmarks) must be able to read while a long reply is being produced.
  if (res.write(chunk)) return new Promise((resolve) => setImmediate(() => resolve(!res.destroyed)));
  return drained(res);
}

/** Resolves true on the response's next drain, false if it closes first. */
function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}
