import { type AccountStatus, updateAccountStatus } from "../core/account-status.js";
import { FlushTimer } from "./flush-timer.js";

type Change = (status: AccountStatus) => AccountStatus;

/**
 * Store writes are synchronous and take a cross-process lock, so the request
 * path only queues a change; the queue is applied a moment later, a handful of
 * writes per flush however many requests ran (`cao status` stays live).
 */
export class StatusWriter {
  private readonly pending = new Map<string, Change[]>();
  private readonly timer: FlushTimer;

  constructor(
    private readonly dir: string,
    delayMs = 200,
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.timer = new FlushTimer(delayMs, () => this.flush());
  }

  queue(account: string, change: Change): void {
    const list = this.pending.get(account);
    if (list) list.push(change);
    else this.pending.set(account, [change]);
    this.timer.arm();
  }

  flush(): void {
    this.timer.disarm();
    const batch = [...this.pending];
    this.pending.clear();
    for (const [account, changes] of batch) {
      try {
        updateAccountStatus(account, (status) => changes.reduce((s, change) => change(s), status), this.dir);
      } catch (error) {
        this.onError(
          `could not record status of ${account}: ${error instanceof Error ? error.message : error}`,
        );
      }
    }
  }
}
