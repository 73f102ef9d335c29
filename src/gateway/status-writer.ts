import type { AccountStatus } from "../core/account-status.js";
import { LockBusyError } from "../core/file-lock.js";
import { updateAccountStatuses } from "../core/status-update.js";

type Change = (status: AccountStatus) => AccountStatus;

/** Longest pause between two tries while another process holds the status lock. */
const MAX_RETRY_MS = 5_000;

/**
 * Store writes are synchronous and take a cross-process lock, so the request
 * path only queues a change; the queue is applied a moment later, all
 * accounts in one write however many requests ran (`cao status` stays live).
 * The lock is never waited for: the gateway's event loop serves every
 * request, and a synchronous wait (another cao process holding the lock, a
 * stuck or stopped one) would freeze them all. A busy lock keeps the changes
 * queued and tries again a little later.
 */
export class StatusWriter {
  private pending = new Map<string, Change[]>();
  private timer: NodeJS.Timeout | undefined;
  private busyRetries = 0;

  constructor(
    private readonly dir: string,
    private readonly delayMs = 200,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  queue(account: string, change: Change): void {
    const list = this.pending.get(account);
    if (list) list.push(change);
    else this.pending.set(account, [change]);
    this.schedule(this.delayMs);
  }

  /** Applies the queue now; `waitMs` (on shutdown only) may wait that long for the lock. */
  flush(options: { waitMs?: number } = {}): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const updates = new Map(
      [...batch].map(([account, changes]) => [
        account,
        (status: AccountStatus) => changes.reduce((s, change) => change(s), status),
      ]),
    );
    try {
      updateAccountStatuses(updates, this.dir, { timeoutMs: options.waitMs ?? 0 });
      this.busyRetries = 0;
    } catch (error) {
      if (error instanceof LockBusyError) {
        this.requeue(batch);
        this.busyRetries++;
        this.schedule(Math.min(this.delayMs * 2 ** this.busyRetries, MAX_RETRY_MS));
        return;
      }
      this.onError(`could not record account status: ${error instanceof Error ? error.message : error}`);
    }
  }

  /** Older changes go first: they happened first. */
  private requeue(batch: Map<string, Change[]>): void {
    for (const [account, changes] of this.pending) {
      const older = batch.get(account);
      batch.set(account, older ? [...older, ...changes] : changes);
    }
    this.pending = batch;
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), ms);
    this.timer.unref();
  }
}
