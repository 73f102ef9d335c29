/**
 * "Write this a moment later": the request path queues, one timer per writer
 * runs the flush once however many requests queued meanwhile. Unref'd, so a
 * pending write never keeps the process alive (close() flushes explicitly).
 */
export class FlushTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly flush: () => void,
  ) {}

  arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  /** Called at the start of a flush (a direct one included). */
  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
