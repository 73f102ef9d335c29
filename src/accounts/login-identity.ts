import type { AuthFile } from "../core/auth-file.js";
import { summarizeAuth } from "../core/auth-file.js";

/** What tells two auth.json files apart as logins. Held only in memory, never printed. */
export interface LoginIdentity {
  refreshToken: string | undefined;
  /** ChatGPT account id plus user (one Team workspace holds many users). */
  who: string | undefined;
  lastRefreshAtMs: number;
}

export function loginIdentity(auth: AuthFile): LoginIdentity {
  const summary = summarizeAuth({ kind: "ok", auth });
  const user = summary.userId ?? summary.email;
  return {
    refreshToken: typeof auth.tokens?.refresh_token === "string" ? auth.tokens.refresh_token : undefined,
    who: summary.accountId && user ? `${summary.accountId}\u0000${user}` : undefined,
    lastRefreshAtMs: summary.lastRefreshAtMs ?? 0,
  };
}

/** The very same token family copy: refreshing one kills the other. */
export const sameToken = (a: LoginIdentity, b: LoginIdentity): boolean =>
  a.refreshToken !== undefined && a.refreshToken === b.refreshToken;

/** The same ChatGPT user in the same account, possibly with a token rotated since. */
export const sameUser = (a: LoginIdentity, b: LoginIdentity): boolean =>
  sameToken(a, b) || (a.who !== undefined && a.who === b.who);
