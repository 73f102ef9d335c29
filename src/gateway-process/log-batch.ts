/**
 * Log lines written in batches: the gateway logs a line per request, and a
 * detached gateway's stderr is a file, where every write is a synchronous
 * syscall on the request path. Lines are collected and written together at
 * most every FLUSH_MS (and on exit, so nothing is lost when the process ends
 * normally, on a signal it handles, or on an uncaught error).
 */
const FLUSH_MS = 200;

export function batchedWriter(write: (text: string) => void): { line(text: string): void; flush(): void } {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    write(text);
  };
  process.on("exit", flush);
  return {
    line(text) {
      pending.push(text);
      if (!timer) {
        timer = setTimeout(flush, FLUSH_MS);
        timer.unref();
      }
    },
    flush,
  };
}
