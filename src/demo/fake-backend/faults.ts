import type { FakeFault } from "./types.js";

/** Injected faults waiting for the model requests they apply to, first queued first used. */
export class FaultQueue {
  private readonly queue: Array<{ fault: FakeFault; remaining: number }> = [];

  inject(fault: FakeFault): void {
    const remaining = fault.count ?? 1;
    if (!Number.isInteger(remaining) || remaining < 1)
      throw new Error("fake backend: fault count must be >= 1");
    this.queue.push({ fault, remaining });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault the next request of this account gets, used up by this call. */
  take(accountId: string): FakeFault | undefined {
    const index = this.queue.findIndex(
      ({ fault }) => fault.accountId === undefined || fault.accountId === accountId,
    );
    const entry = this.queue[index];
    if (!entry) return undefined;
    if (--entry.remaining === 0) this.queue.splice(index, 1);
    return entry.fault;
  }
}

/** The error answer of a `status` or `rate-limit` fault. */
export function faultAnswer(fault: FakeFault): { status: number; body: Record<string, unknown> } | undefined {
  if (fault.kind === "rate-limit")
    return {
      status: 429,
      body: {
        error: { type: "rate_limit_exceeded", code: "rate_limit_exceeded", message: "Rate limit reached" },
      },
    };
  if (fault.kind === "status")
    return {
      status: fault.status,
      body: { error: { type: "server_error", message: `fake backend: injected status ${fault.status}` } },
    };
  return undefined;
}
