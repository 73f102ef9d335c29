import type { IncomingHttpHeaders } from "node:http";
import type { FakeAccount } from "./accounts.js";
import { faultAnswer } from "./faults.js";
import type { BackendState } from "./state.js";
import type { FakeFault } from "./types.js";

export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export type Authentication =
  | { ok: true; accountId: string; account: FakeAccount }
  | ({ ok: false; accountId: undefined } & ErrorAnswer);

export function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  return value?.startsWith("Bearer ") ? value.slice("Bearer ".length) : undefined;
}

export function sessionIdOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers["session-id"] ?? headers.session_id;
  return typeof value === "string" ? value : undefined;
}

/** Whose access token this is; 401 for unknown and expired tokens (Codex then refreshes). */
export function authenticate(state: BackendState, headers: IncomingHttpHeaders): Authentication {
  const check = state.tokens.checkAccess(bearerOf(headers));
  if (check.ok) return { ok: true, accountId: check.accountId, account: state.account(check.accountId) };
  const message =
    check.reason === "expired"
      ? "Provided authentication token is expired. Please try signing in again."
      : "Could not parse your authentication token.";
  const code = check.reason === "expired" ? "token_expired" : "invalid_token";
  return {
    ok: false,
    accountId: undefined,
    status: 401,
    body: { error: { message, type: "invalid_request_error", code } },
    headers: {},
  };
}

/**
 * Whether an authenticated model request gets a reply: an injected fault
 * comes first (it stands for the upstream failing), then the account's quota.
 */
export function gateModelRequest(
  state: BackendState,
  accountId: string,
  account: FakeAccount,
): { fault: FakeFault | undefined; refusal: ErrorAnswer | undefined } {
  const fault = state.faults.take(accountId);
  const answer = fault && faultAnswer(fault);
  if (answer) return { fault, refusal: { ...answer, headers: account.rateLimitHeaders() } };
  const refusal = account.refusal();
  if (refusal)
    return {
      fault,
      refusal: { status: 429, body: account.refusalBody(refusal), headers: account.rateLimitHeaders() },
    };
  return { fault, refusal: undefined };
}
