import { recordSessionEvents, type SessionEvent, type TurnRecord } from "../core/session-store.js";
import { FlushTimer } from "./flush-timer.js";

/**
 * The gateway's side of the sessions record (core/session-store.ts): the
 * request path only queues an event; the queue is written a moment later,
 * one locked write per flush however many requests ran.
 */
export class SessionWriter {
  private pending: SessionEvent[] = [];

  private readonly timer: FlushTimer;

  constructor(
    private readonly dir: string,
    delayMs = 1000,
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.timer = new FlushTimer(delayMs, () => this.flush());
  }

  served(session: string, account: string, turn: string | null, transport: TurnRecord["transport"]): void {
    this.queue({ kind: "serve", session, source: "gateway", atMs: Date.now(), account, turn, transport });
  }

  moved(session: string, from: string, to: string, reason: string): void {
    this.queue({ kind: "move", session, source: "gateway", atMs: Date.now(), from, to, reason });
  }

  private queue(event: SessionEvent): void {
    // Bounded even if the disk is gone: the oldest events of a burst go first.
    if (this.pending.length >= 10_000) this.pending.shift();
    this.pending.push(event);
    this.timer.arm();
  }

  flush(): void {
    this.timer.disarm();
    const batch = this.pending;
    this.pending = [];
    try {
      recordSessionEvents(batch, this.dir);
    } catch (error) {
      this.onError(`could not record sessions: ${error instanceof Error ? error.message : error}`);
    }
  }
}
