/**
 * What callers without a valid token cause goes to the log in small doses:
 * any local user can send requests to the gateway's port, and one line per
 * request (with a URL of their choosing) would let them fill the disk. The
 * first few per window are logged (URL shortened), the rest counted and
 * summed up in one line when the window ends.
 */
const WINDOW_MS = 60_000;
const LOGGED_PER_WINDOW = 3;
const MAX_URL_CHARS = 120;

export class StrangerLog {
  private windowStartMs = 0;
  private seen = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: (line: string) => void,
    private readonly windowMs = WINDOW_MS,
  ) {}

  /** One rejected request: `what` is e.g. `POST /v1/responses`. */
  unauthorized(method: string, url: string): void {
    const now = Date.now();
    if (now - this.windowStartMs >= this.windowMs) this.endWindow(now);
    this.seen++;
    if (this.seen <= LOGGED_PER_WINDOW) {
      this.log(`${method.slice(0, 16)} ${shorten(url)} 401 unauthorized caller`);
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.endWindow(Date.now()), this.windowStartMs + this.windowMs - now);
      this.timer.unref();
    }
  }

  /** Says how many were not logged (on the window's end, and when the gateway stops). */
  endWindow(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const suppressed = this.seen - LOGGED_PER_WINDOW;
    if (suppressed > 0) {
      this.log(
        `${suppressed} more unauthorized requests in ${Math.round((now - this.windowStartMs) / 1000)} s not logged one by one ` +
          "(callers without your accounts' tokens: another local user or a misconfigured client)",
      );
    }
    this.windowStartMs = now;
    this.seen = 0;
  }
}

function shorten(url: string): string {
  return url.length <= MAX_URL_CHARS ? url : `${url.slice(0, MAX_URL_CHARS)}... (${url.length} chars)`;
}
