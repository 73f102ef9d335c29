/**
 * Contract of the fake ChatGPT backend: a loopback server that speaks what
 * Codex and the gateway expect from chatgpt.com (see docs/codex-notes.md). It is
 * shipped in the package because `cao demo` runs on it; the tests and the
 * benchmarks use it too. Nothing here talks to a real OpenAI host.
 *
 * Routes (served under both `/backend-api/codex` and `/v1`, so Codex can be
 * pointed at it directly with `-c openai_base_url=<url>/v1`, and the gateway
 * with `--base-url <url>/backend-api/codex`):
 *   POST {base}/responses          SSE stream of Responses events (JSON or zstd body)
 *   GET  {base}/responses          WebSocket upgrade (answered 426 unless enabled)
 *   GET  {base}/models             model list Codex accepts
 *   GET  /backend-api/wham/usage   usage windows for the bearer's account
 *   GET  /backend-api/wham/accounts/check   workspace routing discovery (./accounts-check.ts)
 *   *    /backend-api/...           the TUI's other calls (settings, plugins, MCP, analytics): 200 {}
 *   POST /oauth/token              refresh with rotation and reuse detection
 */

export interface FakeAccountSpec {
  /** `chatgpt_account_id`, also sent by Codex as `chatgpt-account-id`. */
  accountId: string;
  email: string;
  plan?: string;
  /** Model requests this account may serve before answering 429 usage_limit_reached. Default: unlimited. */
  quota?: number;
  /** Primary (5-hour) window used percent before any request; each request adds `percentPerRequest`. */
  usedPercent?: number;
  percentPerRequest?: number;
  /** Weekly window used percent. */
  secondaryUsedPercent?: number;
  /** Seconds from now until the primary window resets (the `resets_at` of a usage limit). */
  resetsInSeconds?: number;
  /** Answer every model request with 429 usage_not_included (plan without Codex). */
  notIncluded?: boolean;
  /**
   * Used up elsewhere (another device spent the quota): until `quota` runs out, headers, stream events
   * and wham/usage keep showing `usedPercent` without climbing, so nothing warns before the 429.
   */
  usedUpElsewhere?: boolean;
  /**
   * A regional workspace: accounts/check gives the backend's second origin (`regionalOrigin: true`) and
   * this `account_routing_override` (e.g. `us_cr`); model requests elsewhere or without it are refused.
   */
  regionalOverride?: string;
}

/** A content coding the fake backend compresses with. */
export type FakeEncoding = "gzip" | "zstd" | "br";
/**
 * `when-asked` (default): compress when `accept-encoding` allows it, in the client's order (zstd for
 * whole bodies only, see compression.ts); `off`: never; a coding: always that one, even unasked.
 */
export type FakeCompression = "when-asked" | "off" | FakeEncoding;

/** One compressed answer, for assertions that compression really happened. */
export interface EncodedAnswer {
  path: string;
  status: number;
  encoding: FakeEncoding;
}

export interface FakeBackendOptions {
  accounts: FakeAccountSpec[];
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Lifetime of minted access tokens. Default 3600 s. */
  accessTokenTtlSeconds?: number;
  /** What the model says; default echoes the last user message. */
  reply?: (input: FakeTurnInput) => FakeReply;
  /** Serve the Responses WebSocket instead of answering the upgrade with 426. */
  websocket?: boolean;
  /**
   * Also serve every route over HTTPS on a second loopback port, with a CA and leaf certificate made
   * at start (needs the openssl CLI). The interactive TUI needs this for its `chatgpt_base_url`.
   */
  https?: boolean;
  /** Also serve every route on a second plain-HTTP origin, the regional workspaces' (`regionalOrigin`). */
  regionalOrigin?: boolean;
  /** Response compression (default `when-asked`, as the edge does). */
  compression?: FakeCompression;
}

export interface FakeTurnInput {
  accountId: string;
  /** Text of the last user message of the request. */
  userText: string;
  /** Whether the request carries a function_call_output (a tool-call follow-up). */
  hasToolOutput: boolean;
  /** Text of the tool outputs the request carries (what the shell command printed), "" if none. */
  toolOutput: string;
  sessionId: string | undefined;
}

export type FakeReply =
  /**
   * `deltaChars` sets the size of each streamed delta (default 64): small values make many deltas
   * (throughput tests). `pace` sets how the HTTP stream is written (default: batches of 16 KB as fast
   * as the client reads).
   */
  | { kind: "text"; text: string; deltaChars?: number; pace?: FakePace }
  /** Ask Codex to run a shell command (a tool call); Codex sends a follow-up with its output. */
  | { kind: "shell"; command: string[] };

/**
 * How an SSE answer leaves the backend, for benchmarks of what sits in between:
 * - `burst`: every event its own write (an HTTP chunk), all in one go without waiting for the
 *   client, as a server that had the whole answer ready does;
 * - `spread`: writes of `bytesPerWrite` (default 16 KB) `everyMs` apart, as a model generating.
 */
export type FakePace = { kind: "burst" } | { kind: "spread"; everyMs: number; bytesPerWrite?: number };

/**
 * A failure injected into model requests (`POST .../responses`, WebSocket `response.create`), for the
 * gateway's fault tests. Applies to the next `count` matching requests (default 1), of `accountId` only
 * if given. Checked after authentication, before quota.
 */
export type FakeFault =
  /** Answer with this HTTP status (e.g. 500, 503) and a JSON error body. */
  (
    | { kind: "status"; status: number }
    /** A generic 429 `rate_limit_exceeded`: throttling, not an exhausted account. */
    | { kind: "rate-limit" }
    /** Drop the connection after this many stream events, response unfinished (0: before any byte). */
    | { kind: "reset"; afterEvents: number }
    /** Wait this long before the first byte (for timeouts), then answer normally. */
    | { kind: "delay"; delayMs: number }
  ) & { accountId?: string; count?: number };

/** One request the backend saw, for assertions. Tokens are never recorded. */
export interface RecordedRequest {
  /** HTTP method; "WS" for a `response.create` message on a WebSocket (its upgrade is a "GET", status 101). */
  method: string;
  path: string;
  accountId: string | undefined;
  sessionId: string | undefined;
  status: number;
  atMs: number;
  /** Model requests only: whether it carried a tool output (the follow-up of a tool call). */
  hasToolOutput?: boolean;
  /** Model requests only: HTTP SSE (`POST .../responses`) or a WebSocket `response.create`. */
  transport?: "http" | "websocket";
  /** The injected fault this request got, if any. */
  fault?: FakeFault["kind"];
  /** HTTP model requests: whether they came in on the regional origin, and the routing override they carried. */
  regional?: boolean;
  routingOverride?: string;
  /** HTTP model requests: the `accept-encoding` asked for (Codex 0.171 sends `zstd,gzip`), absent if none. */
  acceptEncoding?: string;
  /** HTTP model requests: the body's `content-encoding` (Codex sends `zstd`), absent if plain. */
  contentEncoding?: string;
  /**
   * HTTP model requests: the `x-codex-turn-state` header the request echoed. The backend issues
   * `ts-<accountId>-<uuid>` on each turn's first response; Codex echoes it on that turn's follow-ups.
   */
  turnState?: string;
  /** WebSocket only: a `generate: false` prewarm (answered with an empty response, no quota used). */
  prewarm?: boolean;
}

export interface MintedAuth {
  /** An auth.json body Codex accepts for this account (tokens minted by this backend). */
  authJson: Record<string, unknown>;
  refreshToken: string;
}

export interface FakeBackend {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  /** With `https: true`: the TLS origin, e.g. `https://127.0.0.1:40124`, and the CA that signed it (PEM file). */
  readonly httpsOrigin?: string;
  readonly caCertFile?: string;
  /** What Codex's `chatgpt_base_url` should be: `${httpsOrigin ?? origin}/backend-api/`. */
  readonly chatgptBaseUrl: string;
  /** `${origin}/v1`: for Codex directly (`-c openai_base_url=...`). */
  readonly codexBaseUrl: string;
  /** `${origin}/backend-api/codex`: for the gateway's `--base-url`. */
  readonly upstreamBaseUrl: string;
  /** `${origin}/oauth/token`: for CODEX_REFRESH_TOKEN_URL_OVERRIDE. */
  readonly refreshUrl: string;
  /** Mints a fresh login (as `codex login` would have written) for an account. */
  mintAuth(accountId: string, options?: { accessTtlSeconds?: number }): MintedAuth;
  readonly requests: RecordedRequest[];
  /** With `regionalOrigin: true`: the second origin, e.g. `http://127.0.0.1:40125`. */
  readonly regionalOrigin?: string;
  /** Every answer sent compressed, in order. */
  readonly encodedAnswers: EncodedAnswer[];
  /** Successful refreshes per account, and refresh-token reuse attempts seen. */
  readonly refreshCount: Map<string, number>;
  readonly reuseDetected: string[];
  /**
   * Change an account's quota or usage while running. Setting `quota` restarts the count (that many more
   * requests are served); setting `resetsInSeconds` restarts the window clock.
   */
  setAccount(accountId: string, patch: Partial<FakeAccountSpec>): void;
  /** Queue a fault for upcoming model requests (see FakeFault). */
  injectFault(fault: FakeFault): void;
  /** Drop every queued fault. */
  clearFaults(): void;
  close(): Promise<void>;
}
