import type { IncomingHttpHeaders } from "node:http";
import type { GatewayConfig } from "./config.js";
import type { GatewayContext } from "./context.js";
import { AccountUnavailableError, type Credentials } from "./credentials.js";
import { accountHeaders } from "./headers.js";
import { isLocalResourceError } from "./local-errors.js";
import type { RouteChoice, Served } from "./router.js";
import { parseUsageLimit, rateLimitsFromHeaders, type UsageLimit } from "./signals.js";
import { applyWorkspace, type Workspace } from "./workspaces.js";

/**
 * One request's way through the accounts, the same for an HTTP request
 * (proxy.ts) and a WebSocket upgrade (websocket-upstream.ts):
 *
 *   the router picks an account (sticky per session) → its credentials and
 *   workspace → send; a 5xx or a network failure is sent again with backoff →
 *   a 401 refreshes the token once and sends again → the answer's rate limits
 *   are recorded → a usage limit cools the account down and the next account
 *   is tried, as after any failure → when none serves, the client gets the
 *   last failure, Codex's own usage-limit 429, or "no account".
 *
 * Every decision is here; a transport only sends one attempt and reads its
 * answer (`Transport`). This runs once per request or upgrade, before the
 * answer streams: the streaming path never comes here.
 */

/** Where one attempt goes: the account's origin and its request headers. */
export interface Target {
  account: string;
  origin: string;
  headers: Record<string, string | string[]>;
}

/** What one attempt came back with: an answer's head (its body unread), or a network failure. */
export type Sent<A> =
  | { kind: "answer"; status: number; headers: IncomingHttpHeaders; answer: A }
  | { kind: "network"; code: string; timedOut: boolean };

/** The transport-specific parts of an attempt. */
export interface Transport<A> {
  /** How this request's log lines start (`POST /v1/responses session=1234abcd`, `WS session=1234abcd`). */
  readonly label: string;
  /** Whether the client can be shown the last failure as it came (HTTP), or only told there is no upstream. */
  readonly showsFailures: boolean;
  /** Sends once. A network failure resolves; it rejects only when the client went away. */
  send(target: Target): Promise<Sent<A>>;
  /** Drops an answer that is not used (before a retry or a refresh), so its connection can be reused. */
  discard(answer: A): Promise<void>;
  /** An answer's whole body as it came (error answers are small). */
  read(answer: A): Promise<Buffer>;
  /** A body's decoded text, for the usage-limit check ("" when it cannot be decoded). */
  inspect(raw: Buffer, headers: IncomingHttpHeaders): string;
  /**
   * What an answer below 500 that is neither a 401 nor a usage limit means:
   * "serve" it to the client, "stop" (nothing here can serve the request,
   * on any account), or "next": it counts as this account failing.
   */
  judge(status: number): "serve" | "stop" | "next";
  /** How a failed attempt reads in the account's status and the log (`upstream HTTP 503`). */
  failureOf(sent: Sent<A>): string;
}

export interface FailoverRequest {
  sessionKey: string | undefined;
  /** The account whose token the client presented: the only one `--passthrough-auth` can send on. */
  caller: string;
  /** Accounts already tried for this request; each account tried is added. */
  tried: Set<string>;
  /** Rounds over the accounts before giving up (HTTP: `--max-retry-passes`; an upgrade: 1, its session asks again). */
  passes: number;
  /** The client's headers to send, without its credentials unless `--passthrough-auth` (headers.ts). */
  headers: Readonly<Record<string, string | string[]>>;
  /** Recorded on every account the request is sent on (HTTP; a WebSocket session records each request frame). */
  served?: Served;
  /** Aborted when the client goes away: sends and backoff waits then reject. */
  signal?: AbortSignal;
}

/** An answer for the client. `body` is set when the loop read it (a 429), `usageLimit` when it was one. */
export interface ServedAnswer<A> {
  kind: "served";
  account: string;
  movedFrom: string | undefined;
  /** Why the router moved the session off `movedFrom`. */
  moveReason: string | undefined;
  status: number;
  headers: IncomingHttpHeaders;
  answer: A;
  body?: Buffer;
  usageLimit?: UsageLimit;
}

/** What the client gets when no account served; `reason` is for the log. */
export type GaveUp =
  | { kind: "failure"; reason: string; status: number; headers: IncomingHttpHeaders; body: Buffer | string }
  | { kind: "exhausted"; reason: string; resetsAtMs: number; planType: string | undefined }
  | { kind: "unavailable"; reason: string };

export type Outcome<A> = ServedAnswer<A> | GaveUp;

/** A failure as the client would be shown it if nothing does better. */
export interface Failure {
  reason: string;
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer | string;
}

export function failover<A>(
  ctx: GatewayContext,
  request: FailoverRequest,
  transport: Transport<A>,
): Promise<Outcome<A>> {
  return new Failover(ctx, request, transport).run();
}

class Failover<A> {
  private lastFailure: Failure | undefined;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly request: FailoverRequest,
    private readonly transport: Transport<A>,
  ) {}

  async run(): Promise<Outcome<A>> {
    const { router, config } = this.ctx;
    if (config.passthroughAuth) {
      // One account, the caller's own: the pool's quota says nothing about it.
      return (await this.tryAccount(this.request.caller, undefined)) ?? this.giveUp(NOT_EXHAUSTED);
    }
    const { sessionKey, tried } = this.request;
    for (let pass = 0; pass < this.request.passes; pass++) {
      if (pass > 0) tried.clear();
      for (;;) {
        let choice = router.pick(sessionKey, tried);
        if (!choice && router.coolingAccounts().length > 0) {
          // Everything left is cooling down: maybe a quota came back early.
          await this.ctx.usage.checkCooling();
          choice = router.pick(sessionKey, tried);
        }
        if (!choice) break;
        tried.add(choice.account);
        const outcome = await this.tryAccount(choice.account, choice);
        if (outcome) return outcome;
      }
    }
    return this.giveUp(router.exhausted());
  }

  /** One account: the outcome for the client, or undefined to go on to the next account. */
  private async tryAccount(
    account: string,
    choice: RouteChoice | undefined,
  ): Promise<Outcome<A> | undefined> {
    const { router, tokens, workspaces, config } = this.ctx;
    const switching = !config.passthroughAuth;
    const movedFrom = choice?.movedFrom;
    let credentials: Credentials | undefined;
    let workspace: Workspace | undefined;
    try {
      credentials = switching ? await tokens.credentials(account) : undefined;
      workspace = await workspaces.route(account, credentials);
    } catch (error) {
      return this.unusable(account, error);
    }
    if (this.request.served) router.recordAttempt(account, this.request.served);
    const sent = await this.sendRefreshing(account, credentials, workspace, movedFrom);
    if (!sent) return undefined;
    if (sent.kind === "network") {
      if (isLocalResourceError(sent.code)) {
        this.log(`${sent.code} on this machine: not counted against ${account}`);
      } else router.recordFailure(account, this.transport.failureOf(sent));
      return undefined;
    }
    const limits = rateLimitsFromHeaders(sent.headers);
    if (limits) router.recordRateLimits(account, limits);
    let body: Buffer | undefined;
    let usageLimit: UsageLimit | undefined;
    if (sent.status === 429) {
      // Read decoded, forwarded as it came (body and content-encoding stay together).
      body = await this.transport.read(sent.answer);
      usageLimit = parseUsageLimit(this.transport.inspect(body, sent.headers));
      if (usageLimit) router.recordUsageLimit(account, usageLimit);
    }
    const { status, headers, answer } = sent;
    const decision = decide(status, usageLimit !== undefined && switching, this.transport);
    if (decision === "serve") {
      const moveReason = choice?.reason;
      return { kind: "served", account, movedFrom, moveReason, status, headers, answer, body, usageLimit };
    }
    if (decision === "stop") return { kind: "unavailable", reason: `upstream answered ${status}` };
    if (decision === "cool down") {
      this.log(`${account} 429 ${usageLimit?.type}: cooling down, trying the next account`);
      return undefined;
    }
    // Retried already (a 5xx) or refused here: the next account, and this one shown if none does better.
    body ??= await this.transport.read(answer);
    this.fail(account, { reason: this.transport.failureOf(sent), status, headers, body });
    return undefined;
  }

  /** Sends on the account, its token refreshed once on a 401; undefined when that did not help (recorded). */
  private async sendRefreshing(
    account: string,
    credentials: Credentials | undefined,
    workspace: Workspace | undefined,
    movedFrom: string | undefined,
  ): Promise<Sent<A> | undefined> {
    const sent = await this.sendWithRetries(this.target(account, credentials, workspace, movedFrom));
    if (sent.kind === "network" || sent.status !== 401 || !credentials) return sent;
    // Never show Codex an upstream 401: refresh (once, shared) and try again.
    await this.transport.discard(sent.answer);
    let refreshed: Credentials;
    try {
      refreshed = await this.ctx.tokens.credentials(account, credentials.accessToken);
    } catch (error) {
      return this.unusable(account, error);
    }
    const again = await this.sendWithRetries(this.target(account, refreshed, workspace, movedFrom));
    if (again.kind === "network" || again.status !== 401) return again;
    await this.transport.discard(again.answer);
    this.fail(account, { ...UNAUTHORIZED, reason: "upstream rejected the refreshed token (401)" });
    return undefined;
  }

  private target(
    account: string,
    credentials: Credentials | undefined,
    workspace: Workspace | undefined,
    movedFrom: string | undefined,
  ): Target {
    const headers = accountHeaders(this.request.headers, credentials, movedFrom);
    return { account, headers, origin: applyWorkspace(headers, workspace, this.ctx.upstream.origin) };
  }

  /** One attempt, sent again on a 5xx or a network failure as long as retries are left. */
  private async sendWithRetries(target: Target): Promise<Sent<A>> {
    const { config } = this.ctx;
    const { signal } = this.request;
    for (let retry = 0; ; retry++) {
      signal?.throwIfAborted();
      const sent = await this.transport.send(target);
      if (sent.kind === "answer" && sent.status < 500) return sent;
      if (sent.kind === "network") this.lastFailure = networkFailure(sent, this.transport.failureOf(sent));
      const wait = retryDelayMs(config, retry);
      if (wait === undefined) return sent;
      if (sent.kind === "answer") await this.transport.discard(sent.answer);
      this.log(
        `${target.account} ${this.transport.failureOf(sent)}; retry ${retry + 1}/${config.upstreamRetries}`,
      );
      await delay(wait, signal);
    }
  }

  /** The account cannot be used (dead login, no workspace): it is recorded and the next one tried. */
  private unusable(account: string, error: unknown): undefined {
    if (!(error instanceof AccountUnavailableError)) throw error;
    this.ctx.router.recordFailure(account, error.reason);
    this.ctx.router.accountsChanged();
    return undefined;
  }

  private fail(account: string, failure: Failure): void {
    this.ctx.router.recordFailure(account, failure.reason);
    this.lastFailure = failure;
  }

  private giveUp(exhausted: { resetsAtMs: number | undefined; planType: string | undefined }): GaveUp {
    return gaveUp(this.lastFailure, this.transport.showsFailures, exhausted);
  }

  private log(line: string): void {
    this.ctx.log(`${this.transport.label} ${line}`);
  }
}

/**
 * What an answer means once retries and the refresh are behind it: a usage
 * limit sends the request to the next account ("cool down"; with
 * `--passthrough-auth` there is no next one, and the 429 is judged like any
 * answer), a 5xx fails the account, and below that the transport says what a
 * status means.
 */
export function decide(
  status: number,
  usageLimitToLeave: boolean,
  transport: Pick<Transport<unknown>, "judge">,
): "serve" | "stop" | "cool down" | "fail" {
  if (usageLimitToLeave) return "cool down";
  if (status >= 500) return "fail";
  const verdict = transport.judge(status);
  return verdict === "next" ? "fail" : verdict;
}

const NOT_EXHAUSTED = { resetsAtMs: undefined, planType: undefined };

/**
 * When no account served: the last failure where the client can be shown it
 * (Codex retries a 5xx), else Codex's own usage-limit answer when every
 * account is out of quota, else "no account" with the last failure's reason.
 */
export function gaveUp(
  lastFailure: Failure | undefined,
  showsFailures: boolean,
  exhausted: { resetsAtMs: number | undefined; planType: string | undefined },
): GaveUp {
  if (lastFailure && showsFailures) return { kind: "failure", ...lastFailure };
  const { resetsAtMs, planType } = exhausted;
  if (resetsAtMs !== undefined)
    return { kind: "exhausted", reason: "every account is out of quota", resetsAtMs, planType };
  return { kind: "unavailable", reason: lastFailure?.reason ?? "no account available" };
}

/** The wait before retry `retry` (from 0) of a 5xx or a network failure; undefined when none is left. */
export function retryDelayMs(
  config: Pick<
    GatewayConfig,
    "upstreamRetries" | "upstreamRetryBaseMs" | "upstreamRetryMaxMs" | "upstreamRetryJitterMs"
  >,
  retry: number,
): number | undefined {
  if (retry >= config.upstreamRetries) return undefined;
  const exponential = Math.min(config.upstreamRetryMaxMs, config.upstreamRetryBaseMs * 2 ** retry);
  return exponential + Math.random() * config.upstreamRetryJitterMs;
}

/** The gateway's own answer for an upstream it could not reach (or that kept it waiting too long). */
export function networkFailure(sent: { code: string; timedOut: boolean }, reason: string): Failure {
  const message = `upstream ${sent.timedOut ? "timed out" : `unreachable (${sent.code})`}`;
  return {
    reason,
    status: sent.timedOut ? 504 : 502,
    headers: {},
    body: JSON.stringify({ error: { message, type: "bad_gateway" } }),
  };
}

const UNAUTHORIZED = {
  status: 502,
  headers: {},
  body: JSON.stringify({
    error: {
      message: "the upstream rejected every token the gateway holds (see `cao status`)",
      type: "bad_gateway",
    },
  }),
};

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
