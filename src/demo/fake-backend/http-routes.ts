import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { accountsCheckBody } from "./accounts-check.js";
import { authenticate, gateModelRequest, sessionIdOf } from "./admission.js";
import { chooseEncoding, compressingSink, compressWhole } from "./compression.js";
import { delay, serveTurn } from "./model-turn.js";
import { modelsBody } from "./models.js";
import { readJsonBody } from "./request-body.js";
import { writeSse } from "./sse-writer.js";
import type { BackendState } from "./state.js";
import { isRecord, parseTurn } from "./turn-input.js";
import { usageBody } from "./usage.js";

/** Codex is pointed at `/v1`, the gateway at `/backend-api/codex`: both serve the same API. */
const TURN_STATE = "x-codex-turn-state";

export const MODEL_BASES = ["/v1", "/backend-api/codex"];

export async function handleHttp(
  state: BackendState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const method = req.method ?? "GET";
  const base = MODEL_BASES.find((prefix) => path.startsWith(`${prefix}/`));
  answers.set(res, { state, path });
  const route = base ? path.slice(base.length) : path;
  try {
    if (base && method === "POST" && route === "/responses")
      return await serveResponses(state, req, res, path);
    if (base && method === "GET" && route === "/models")
      return serveAuthed(state, req, res, path, () => modelsBody());
    if (method === "GET" && path === "/backend-api/wham/usage")
      return serveAuthed(state, req, res, path, (accountId) => usageBody(state.account(accountId)));
    if (method === "GET" && path === "/backend-api/wham/accounts/check")
      return serveAuthed(state, req, res, path, (accountId) =>
        // The origin asked: Codex asks over HTTPS (it needs that), the gateway over the plain origin it uses.
        accountsCheckBody(state, accountId, originOf(req)),
      );
    if (method === "POST" && path === "/oauth/token") return await serveRefresh(state, req, res, path);
    // The TUI's other backend calls (settings, plugins, MCP, analytics, reset credits): `{}` is enough.
    if (path.startsWith("/backend-api/")) return serveEmpty(state, req, res, method, path);
    req.resume();
    state.record({ method, path, accountId: undefined, sessionId: sessionIdOf(req.headers), status: 404 });
    sendJson(res, 404, { error: { message: `fake backend: no route ${method} ${path}` } });
  } catch (error) {
    state.record({ method, path, accountId: undefined, sessionId: sessionIdOf(req.headers), status: 400 });
    if (!res.headersSent)
      sendJson(res, 400, { error: { message: String(error), type: "invalid_request_error" } });
    else res.destroy();
  }
}

async function serveResponses(
  state: BackendState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const body = await readJsonBody(req);
  const sessionId = sessionIdOf(req.headers);
  const auth = authenticate(state, req.headers);
  if (!auth.ok) {
    state.record({ method: "POST", path, accountId: undefined, sessionId, status: auth.status });
    return sendJson(res, auth.status, auth.body, auth.headers);
  }
  const { account, accountId } = auth;
  const turn = parseTurn(body);
  const regional = req.socket.localPort === state.regional?.port;
  const override = req.headers["x-openai-account-routing-override"];
  const routingOverride = typeof override === "string" ? override : undefined;
  const misrouted = workspaceRefusal(account.spec.regionalOverride, regional, routingOverride);
  const gate = misrouted
    ? { fault: undefined, refusal: misrouted }
    : gateModelRequest(state, accountId, account);
  const { fault, refusal } = gate;
  const status = refusal?.status ?? 200;
  state.record({
    method: "POST",
    path,
    accountId,
    sessionId,
    status,
    hasToolOutput: turn.hasToolOutput,
    transport: "http",
    ...(regional && { regional }),
    ...(routingOverride && { routingOverride }),
    ...(req.headers["accept-encoding"] && { acceptEncoding: req.headers["accept-encoding"] }),
    ...(req.headers["content-encoding"] && { contentEncoding: req.headers["content-encoding"] }),
    ...(typeof req.headers[TURN_STATE] === "string" && { turnState: req.headers[TURN_STATE] }),
    ...(fault && { fault: fault.kind }),
  });
  if (refusal) return sendJson(res, refusal.status, refusal.body, refusal.headers);
  if (fault?.kind === "delay") {
    const gone = new AbortController();
    res.once("close", () => gone.abort());
    await delay(fault.delayMs, gone.signal);
    if (res.destroyed) return;
  }
  const { events, pace } = serveTurn(state, account, accountId, turn, sessionId);
  const coding = chooseEncoding(state.options.compression, req.headers["accept-encoding"], true);
  const streamCoding = coding === "gzip" || coding === "br" ? coding : undefined;
  if (streamCoding) state.encodedAnswers.push({ path, status: 200, encoding: streamCoding });
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    ...(streamCoding && { "content-encoding": streamCoding, vary: "accept-encoding" }),
    ...account.rateLimitHeaders(),
    // Sticky routing token of a turn: Codex echoes it on the turn's follow-up requests.
    [TURN_STATE]:
      typeof req.headers[TURN_STATE] === "string"
        ? req.headers[TURN_STATE]
        : `ts-${accountId}-${randomUUID()}`,
  });
  const resetAt = fault?.kind === "reset" ? fault.afterEvents : -1;
  await writeSse(
    res,
    events,
    (index) => (index === resetAt ? "reset" : "continue"),
    pace,
    streamCoding && compressingSink(res, streamCoding),
  );
}

function serveAuthed(
  state: BackendState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: (accountId: string) => Record<string, unknown>,
): void {
  req.resume();
  const admission = authenticate(state, req.headers);
  const sessionId = sessionIdOf(req.headers);
  state.record({
    method: "GET",
    path,
    accountId: admission.accountId,
    sessionId,
    status: admission.ok ? 200 : 401,
  });
  if (admission.ok) sendJson(res, 200, body(admission.accountId), admission.account.rateLimitHeaders());
  else sendJson(res, admission.status, admission.body);
}

function serveEmpty(
  state: BackendState,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
): void {
  req.resume();
  const { accountId } = authenticate(state, req.headers);
  state.record({ method, path, accountId, sessionId: sessionIdOf(req.headers), status: 200 });
  sendJson(res, 200, {});
}

/** The origin a request came in on (used when the backend has no HTTPS side). */
function originOf(req: IncomingMessage): string {
  const secure = "encrypted" in req.socket && req.socket.encrypted === true;
  return `${secure ? "https" : "http"}://${req.headers.host ?? "127.0.0.1"}`;
}

async function serveRefresh(state: BackendState, req: IncomingMessage, res: ServerResponse, path: string) {
  const body = await readJsonBody(req);
  const refreshToken = isRecord(body) && typeof body.refresh_token === "string" ? body.refresh_token : "";
  const outcome = state.tokens.refresh(refreshToken, (id) => state.identity(id));
  if (!outcome.ok) {
    if (outcome.code === "refresh_token_reused") state.reuseDetected.push(outcome.accountId ?? "");
    state.record({ method: "POST", path, accountId: outcome.accountId, sessionId: undefined, status: 401 });
    // Codex reads `error.code` of a 401 to tell the user the login is gone.
    return sendJson(res, 401, {
      error: { message: `fake backend: ${outcome.code}`, type: "invalid_request_error", code: outcome.code },
    });
  }
  state.refreshCount.set(outcome.accountId, (state.refreshCount.get(outcome.accountId) ?? 0) + 1);
  state.record({ method: "POST", path, accountId: outcome.accountId, sessionId: undefined, status: 200 });
  sendJson(res, 200, {
    id_token: outcome.tokens.idToken,
    access_token: outcome.tokens.accessToken,
    refresh_token: outcome.tokens.refreshToken,
    token_type: "Bearer",
    expires_in: state.tokens.defaultTtlSeconds,
  });
}

/**
 * A model request on the wrong workspace: a regional account's off its origin or without its override,
 * or any request carrying another account's override (what a proxy forwarding Codex's header would do).
 */
function workspaceRefusal(
  accountOverride: string | undefined,
  regional: boolean,
  routingOverride: string | undefined,
): { status: number; body: Record<string, unknown>; headers: Record<string, string> } | undefined {
  const expected = accountOverride;
  const fine =
    regional === (expected !== undefined) &&
    (routingOverride ?? "NO_CONSTRAINT") === (expected ?? "NO_CONSTRAINT");
  if (fine) return undefined;
  return {
    status: 403,
    headers: {},
    body: {
      error: {
        type: "invalid_request_error",
        code: "workspace_routing_mismatch",
        message: `fake backend: this account's workspace is ${expected ? `regional (${expected})` : "the home origin"}`,
      },
    },
  };
}

/** Which backend and route an answer belongs to, for compressing it (set once per request). */
const answers = new WeakMap<ServerResponse, { state: BackendState; path: string }>();

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  let data: Buffer = Buffer.from(JSON.stringify(body));
  const answer = answers.get(res);
  const coding =
    answer && chooseEncoding(answer.state.options.compression, res.req.headers["accept-encoding"], false);
  if (answer && coding) {
    data = compressWhole(data, coding);
    answer.state.encodedAnswers.push({ path: answer.path, status, encoding: coding });
  }
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": data.length,
    ...(coding && { "content-encoding": coding, vary: "accept-encoding" }),
    ...headers,
  });
  res.end(data);
}
