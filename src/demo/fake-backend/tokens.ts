import crypto from "node:crypto";
import { encodeUnsignedJwt } from "../../core/jwt.js";

/** The client id Codex sends with every refresh (seen on the wire). */
export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

export interface TokenIdentity {
  accountId: string;
  email: string;
  plan: string;
}

export interface MintedTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

interface RefreshRecord {
  accountId: string;
  family: string;
  used: boolean;
}

export type AccessCheck = { ok: true; accountId: string } | { ok: false; reason: "unknown" | "expired" };

export type RefreshOutcome =
  | { ok: true; accountId: string; tokens: MintedTokens }
  | { ok: false; accountId: string | undefined; code: RefreshErrorCode };

export type RefreshErrorCode = "refresh_token_reused" | "refresh_token_invalidated" | "refresh_token_expired";

/**
 * Issues and checks tokens like auth.openai.com does, as far as Codex can
 * tell: refresh tokens rotate on every use and reusing an old one revokes the
 * whole family (every token descended from the same login), which is the
 * failure multi-account tools must never trigger.
 */
export class TokenAuthority {
  private readonly accessTokens = new Map<string, { accountId: string; expiresAtMs: number }>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly revokedFamilies = new Set<string>();

  constructor(readonly defaultTtlSeconds: number) {}

  /** A new login: a new token family. */
  mint(identity: TokenIdentity, ttlSeconds = this.defaultTtlSeconds): MintedTokens {
    return this.issue(identity, crypto.randomUUID(), ttlSeconds);
  }

  checkAccess(bearer: string | undefined): AccessCheck {
    const record = bearer ? this.accessTokens.get(bearer) : undefined;
    if (!record) return { ok: false, reason: "unknown" };
    if (record.expiresAtMs <= Date.now()) return { ok: false, reason: "expired" };
    return { ok: true, accountId: record.accountId };
  }

  refresh(
    refreshToken: string,
    identityOf: (accountId: string) => TokenIdentity | undefined,
    ttlSeconds = this.defaultTtlSeconds,
  ): RefreshOutcome {
    const record = this.refreshTokens.get(refreshToken);
    if (!record) return { ok: false, accountId: undefined, code: "refresh_token_invalidated" };
    if (this.revokedFamilies.has(record.family))
      return { ok: false, accountId: record.accountId, code: "refresh_token_invalidated" };
    if (record.used) {
      // Reuse means a copy of the token leaked or raced: revoke everything of this login.
      this.revokedFamilies.add(record.family);
      return { ok: false, accountId: record.accountId, code: "refresh_token_reused" };
    }
    const identity = identityOf(record.accountId);
    if (!identity) return { ok: false, accountId: record.accountId, code: "refresh_token_invalidated" };
    record.used = true;
    return { ok: true, accountId: record.accountId, tokens: this.issue(identity, record.family, ttlSeconds) };
  }

  private issue(identity: TokenIdentity, family: string, ttlSeconds: number): MintedTokens {
    const nowS = Math.floor(Date.now() / 1000);
    const exp = nowS + ttlSeconds;
    const auth = {
      chatgpt_account_id: identity.accountId,
      chatgpt_plan_type: identity.plan,
      chatgpt_user_id: `user-${identity.accountId}`,
    };
    const common = { iss: "https://auth.openai.com", iat: nowS, exp, jti: crypto.randomUUID() };
    const accessToken = encodeUnsignedJwt({
      ...common,
      aud: ["https://api.openai.com/v1"],
      "https://api.openai.com/auth": auth,
      "https://api.openai.com/profile": { email: identity.email, email_verified: true },
    });
    const idToken = encodeUnsignedJwt({
      ...common,
      aud: [CODEX_CLIENT_ID],
      email: identity.email,
      email_verified: true,
      "https://api.openai.com/auth": auth,
    });
    const refreshToken = `rt_fake_${crypto.randomBytes(24).toString("base64url")}`;
    this.accessTokens.set(accessToken, { accountId: identity.accountId, expiresAtMs: exp * 1000 });
    this.refreshTokens.set(refreshToken, { accountId: identity.accountId, family, used: false });
    return { idToken, accessToken, refreshToken };
  }
}
