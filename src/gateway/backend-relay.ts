import type { IncomingMessage, ServerResponse } from "node:http";
import { markVerified } from "./connection-guard.js";
import { bearerOf, type GatewayContext } from "./context.js";
import { forwardableHeaders, HOP_BY_HOP } from "./headers.js";
import { poolViewAccount } from "./pool-view.js";
import { readBody, sendJson } from "./proxy.js";
import { fetchText, sendUpstream } from "./upstream-response.js";

/**
 * The gateway's HTTPS side: Codex's own backend calls (`chatgpt_base_url`),
 * for the codex processes cao starts while the gateway runs (they get
 * `-c chatgpt_base_url=<this>` and trust its per-install CA, see
 * core/backend-tls.ts). Codex polls its home account's `wham/usage` there and
 * shows that account's limit ("⚠ 5h limit: only <1% left") even when the
 * gateway serves its turns on another account; here the answer follows the
 * pool. Everything else passes through unchanged, under the caller's own
 * login (its token is checked like the model traffic's: only the user's own
 * accounts are served):
 *
 *   GET wham/usage             the usage of the account this caller's turns go to now
 *                              (its own while it can serve; the next account's after it
 *                              ran out; its own again when none can serve)
 *   GET wham/accounts/check    passed through; each workspace's backend origin is
 *                              replaced by this one (and remembered), or Codex would
 *                              send its next calls straight to chatgpt.com
 *   anything else              passed through to the account's workspace origin
 */
const USAGE_PATH = "/backend-api/wham/usage";
const ACCOUNTS_CHECK_PATH = "/backend-api/wham/accounts/check";
/** Headers this hop sets itself. */
const OWN_HEADERS = new Set([...HOP_BY_HOP, "host", "content-length", "expect"]);
/** Codex's backend calls are small JSON; a bound keeps one caller from filling the gateway's memory. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export class BackendRelay {
  /** Workspace backend origins as upstream's accounts/check gave them, by `chatgpt-account-id`. */
  private readonly origins = new Map<string, string>();

  /** This side's own origin, `https://127.0.0.1:PORT`. */
  private localOrigin = "";

  constructor(private readonly ctx: GatewayContext) {}

  listeningOn(port: number): void {
    this.localOrigin = `https://127.0.0.1:${port}`;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { ctx } = this;
    const url = req.url ?? "/";
    if (!url.startsWith("/backend-api/")) {
      sendJson(res, 404, {
        error: { message: "not found: this side serves /backend-api/...", type: "not_found" },
      });
      return;
    }
    const caller = ctx.tokens.authenticate(bearerOf(req.headers.authorization), req.socket);
    if (caller === undefined) {
      ctx.strangers.unauthorized(req.method ?? "?", url);
      sendJson(res, 401, {
        error: {
          message: "the cao gateway only serves the tokens of your own accounts",
          type: "unauthorized",
        },
      });
      return;
    }
    markVerified(req.socket);
    const path = url.split("?")[0];
    if (req.method === "GET" && path === USAGE_PATH && !ctx.config.passthroughAuth) {
      const serving = poolViewAccount(ctx.router, caller);
      if (serving !== undefined) return this.usageOf(serving, res);
    }
    if (req.method === "GET" && path === ACCOUNTS_CHECK_PATH) return this.accountsCheck(req, res);
    return this.passThrough(req, res);
  }

  /** `wham/usage` as the account that serves this caller now, asked with that account's login. */
  private async usageOf(account: string, res: ServerResponse): Promise<void> {
    const answer = await this.ctx.usage.ask(account);
    if (!answer) {
      sendJson(res, 502, { error: { message: `could not ask ${account}'s usage`, type: "bad_gateway" } });
      return;
    }
    sendText(res, answer.status, answer.text);
  }

  private async accountsCheck(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = forwardableHeaders(req.headers, OWN_HEADERS, true);
    delete headers["accept-encoding"];
    const answer = await fetchText(this.ctx.agent, {
      origin: this.ctx.upstream.origin,
      path: req.url ?? ACCOUNTS_CHECK_PATH,
      method: "GET",
      headers,
      body: null,
      timeoutMs: TIMEOUT_MS,
    });
    if (answer.status !== 200) return sendText(res, answer.status, answer.text);
    let body: { accounts?: unknown };
    try {
      body = JSON.parse(answer.text) as { accounts?: unknown };
    } catch {
      return sendText(res, answer.status, answer.text);
    }
    if (Array.isArray(body.accounts)) {
      for (const account of body.accounts as Array<Record<string, unknown>>) {
        const origin = account?.workspace_backend_origin;
        if (typeof account?.id !== "string" || typeof origin !== "string") continue;
        this.origins.set(account.id, origin);
        account.workspace_backend_origin = this.localOrigin;
      }
    }
    sendText(res, 200, JSON.stringify(body));
  }

  private async passThrough(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES);
    const accountId = req.headers["chatgpt-account-id"];
    const origin = (typeof accountId === "string" && this.origins.get(accountId)) || this.ctx.upstream.origin;
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const answer = await sendUpstream(this.ctx.agent, {
      origin,
      path: req.url ?? "/",
      method: (req.method ?? "GET") as "GET",
      headers: forwardableHeaders(req.headers, OWN_HEADERS, true),
      body: body.length > 0 ? body : null,
      headersTimeout: TIMEOUT_MS,
      signal: abort.signal,
    });
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    res.writeHead(answer.statusCode, headers);
    await answer.pipeTo(res);
  }
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
