import type { Agent } from "undici";
import { backendGet } from "./backend-get.js";
import { AccountUnavailableError, type TokenManager } from "./credentials.js";
import type { Router } from "./router.js";
import { parseUsageReport } from "./signals.js";

/**
 * Early resets: an account cooling down is asked `/backend-api/wham/usage`
 * (on the upstream's origin) at most once per `intervalMs`, so it comes back
 * as soon as its quota does rather than at the reset time it was given. At
 * start every account is asked once, so routing starts from real numbers.
 */
export class UsageChecker {
  private readonly lastCheckMs = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      agent: Agent;
      origin: string;
      router: Router;
      tokens: TokenManager;
      intervalMs: number;
      timeoutMs: number;
      log(line: string): void;
    },
  ) {}

  /** Checks the cooling accounts that are due; resolves when those checks are done. */
  async checkCooling(): Promise<void> {
    const now = Date.now();
    const due = this.options.router
      .coolingAccounts(now)
      .filter((name) => now - (this.lastCheckMs.get(name) ?? 0) >= this.options.intervalMs);
    await Promise.all(due.map((name) => this.check(name)));
  }

  /** At start: learn every account's windows, so the first sessions go where the headroom is. */
  async checkAll(): Promise<void> {
    const { router, tokens } = this.options;
    await Promise.all(
      router
        .accountNames()
        .filter((name) => !tokens.problem(name))
        .map((name) => this.check(name)),
    );
  }

  private check(account: string): Promise<void> {
    let running = this.inFlight.get(account);
    if (!running) {
      this.lastCheckMs.set(account, Date.now());
      running = this.checkNow(account)
        .then(() => {})
        .finally(() => this.inFlight.delete(account));
      this.inFlight.set(account, running);
    }
    return running;
  }

  /**
   * The account's `wham/usage` answer as upstream gave it (for Codex's own usage poll, backend-relay.ts),
   * learnt from like a check; undefined when it could not be asked.
   */
  async ask(account: string): Promise<{ status: number; text: string } | undefined> {
    this.lastCheckMs.set(account, Date.now());
    return this.checkNow(account);
  }

  private async checkNow(account: string): Promise<{ status: number; text: string } | undefined> {
    const { agent, origin, tokens, timeoutMs } = this.options;
    try {
      const credentials = await tokens.credentials(account);
      const response = await backendGet(agent, {
        origin,
        path: "/backend-api/wham/usage",
        credentials,
        timeoutMs,
      });
      if (response.status !== 200) return response;
      this.learn(account, response.text);
      return response;
    } catch (error) {
      if (!(error instanceof AccountUnavailableError)) {
        this.options.log(
          `usage check of ${account} failed: ${error instanceof Error ? error.message : error}`,
        );
      }
      return undefined;
    }
  }

  private learn(account: string, text: string): void {
    const { router } = this.options;
    let report: ReturnType<typeof parseUsageReport>;
    try {
      report = parseUsageReport(JSON.parse(text));
    } catch {
      return;
    }
    if (!report) return;
    // "Has quota again" is news only for an account that was cooling down (not at every start).
    // The cooldown goes first: while it lasts, the router keeps the limit's "100% used".
    if (report.available && router.isCoolingDown(account)) {
      router.clearCooldown(account);
      this.options.log(`usage check: ${account} has quota again`);
    }
    if (report.limits) router.recordRateLimits(account, report.limits);
  }
}
