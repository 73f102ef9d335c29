import type { IncomingHttpHeaders } from "node:http";
import type { FakeAccount } from "./accounts.js";
import type { BackendState } from "./state.js";

export type Admission =
  | { ok: true; accountId: string; account: FakeAccount }
  | {
      ok: false;
      accountId: string | undefined;
      status: number;
      body: Record<string, unknown>;
      headers: Record<string, string>;
    };

export function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  return value?.startsWith("Bearer ") ? value.slice("Bearer ".length) : undefined;
}

export function sessionIdOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers["session-id"] ?? headers.session_id;
  return typeof value === "string" ? value : undefined;
}

/** Who is asking, and whether that account may get a model reply now. */
export function admit(
  state: BackendState,
  headers: IncomingHttpHeaders,
  countsAsModelRequest: boolean,
): Admission {
  const check = state.tokens.checkAccess(bearerOf(headers));
  if (!check.ok) {
    const message =
      check.reason === "expired"
        ? "Provided authentication token is expired. Please try signing in again."
        : "Could not parse your authentication token.";
    return {
      ok: false,
      accountId: undefined,
      status: 401,
      body: { error: { message, type: "invalid_request_error", code: "token_expired" } },
      headers: {},
    };
  }
  const account = state.account(check.accountId);
  if (countsAsModelRequest) {
    const refusal = account.refusal();
    if (refusal)
      return {
        ok: false,
        accountId: check.accountId,
        status: 429,
        body: account.refusalBody(refusal),
        headers: account.rateLimitHeaders(),
      };
  }
  return { ok: true, accountId: check.accountId, account };
}
