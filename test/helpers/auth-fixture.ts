import { encodeUnsignedJwt } from "../../src/core/jwt.js";

export interface FixtureLogin {
  email: string;
  accountId: string;
  refreshToken: string;
  userId?: string;
  plan?: string;
  lastRefresh?: string;
  /** Access token lifetime from now, in seconds (negative: already expired). */
  expiresInSeconds?: number;
}

/** An auth.json body shaped like the one `codex login` writes (unsigned JWTs). */
export function authJson(login: FixtureLogin): Record<string, unknown> {
  const claims = {
    chatgpt_account_id: login.accountId,
    chatgpt_user_id: login.userId ?? `user-${login.email}`,
    chatgpt_plan_type: login.plan ?? "plus",
  };
  const exp = Math.floor(Date.now() / 1000) + (login.expiresInSeconds ?? 7 * 24 * 3600);
  return {
    OPENAI_API_KEY: null,
    tokens: {
      id_token: encodeUnsignedJwt({ email: login.email, "https://api.openai.com/auth": claims }),
      access_token: encodeUnsignedJwt({ exp, "https://api.openai.com/auth": claims }),
      refresh_token: login.refreshToken,
      account_id: login.accountId,
    },
    last_refresh: login.lastRefresh ?? new Date().toISOString(),
  };
}

export const authText = (login: FixtureLogin): string => JSON.stringify(authJson(login));
