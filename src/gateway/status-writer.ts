import { type AccountStatus, updateAccountStatus } from "../core/account-status.js";

type Change = (status: AccountStatus) => AccountStatus;

/**
 * Store writes are synchronous and take a cross-process lock, so the request
 * path only queues a change; the queue is applied a moment later, a handful of
 * writes per flush however many requests ran (`cao status` stays live).
 */
export class StatusWriter {
  private readonly pending = new Map<string, Change[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly delayMs = 200,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  queue(account: string, change: Change): void {
    const list = this.pending.get(account);
    if (list) list.push(change);
    else this.pending.set(account, [change]);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.delayMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
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
