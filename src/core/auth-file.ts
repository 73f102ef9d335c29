import fs from "node:fs";
import { errnoCode } from "./errors.js";
import { decodeJwtPayload } from "./jwt.js";

/** The OpenAI claims namespace inside Codex's id and access tokens. */
const AUTH_CLAIMS = "https://api.openai.com/auth";
const PROFILE_CLAIMS = "https://api.openai.com/profile";

export interface AuthTokens {
  id_token?: string;
  access_token?: string;
  refresh_token?: string;
  account_id?: string;
}

/** `$CODEX_HOME/auth.json` as Codex writes it; unknown keys are preserved on rewrite. */
export interface AuthFile {
  OPENAI_API_KEY?: string | null;
  tokens?: AuthTokens;
  last_refresh?: string;
  [key: string]: unknown;
}

/** What cao shows about an account's login. Never contains a token. */
export interface AuthSummary {
  state: "ok" | "missing" | "unreadable" | "api-key" | "no-tokens";
  problem?: string;
  email?: string;
  plan?: string;
  accountId?: string;
  userId?: string;
  accessExpiresAtMs?: number;
  lastRefreshAtMs?: number;
}

export type AuthRead =
  | { kind: "missing" }
  | { kind: "unreadable"; reason: string }
  | { kind: "ok"; auth: AuthFile };

export function readAuthFile(file: string): AuthRead {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = errnoCode(error);
    return code === "ENOENT" ? { kind: "missing" } : { kind: "unreadable", reason: code ?? "read error" };
  }
  try {
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      return { kind: "unreadable", reason: "not a JSON object" };
    }
    return { kind: "ok", auth: value as AuthFile };
  } catch {
    return { kind: "unreadable", reason: "not valid JSON" };
  }
}

function claimString(payload: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = payload?.[key];
  return typeof value === "string" && value ? value : undefined;
}

function nested(
  payload: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const value = payload?.[key];
  return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

export function summarizeAuth(read: AuthRead): AuthSummary {
  if (read.kind === "missing") return { state: "missing", problem: "not logged in (no auth.json)" };
  if (read.kind === "unreadable") return { state: "unreadable", problem: `auth.json is ${read.reason}` };
  const { auth } = read;
  const tokens = auth.tokens;
  if (!tokens || typeof tokens !== "object") {
    return auth.OPENAI_API_KEY
      ? { state: "api-key", problem: "uses an API key, not a ChatGPT login" }
      : { state: "no-tokens", problem: "auth.json holds no tokens" };
  }
  const id = decodeJwtPayload(tokens.id_token);
  const access = decodeJwtPayload(tokens.access_token);
  const idAuth = nested(id, AUTH_CLAIMS);
  const accessAuth = nested(access, AUTH_CLAIMS);
  const exp = access?.exp;
  const lastRefreshMs = auth.last_refresh ? Date.parse(auth.last_refresh) : Number.NaN;
  const summary: AuthSummary = { state: "ok" };
  const email = claimString(id, "email") ?? claimString(nested(access, PROFILE_CLAIMS), "email");
  if (email) summary.email = email;
  const plan = claimString(idAuth, "chatgpt_plan_type") ?? claimString(accessAuth, "chatgpt_plan_type");
  if (plan) summary.plan = plan;
  const accountId =
    (typeof tokens.account_id === "string" && tokens.account_id) ||
    claimString(idAuth, "chatgpt_account_id") ||
    claimString(accessAuth, "chatgpt_account_id");
  if (accountId) summary.accountId = accountId;
  const userId = claimString(idAuth, "chatgpt_user_id") ?? claimString(accessAuth, "chatgpt_user_id");
  if (userId) summary.userId = userId;
  if (typeof exp === "number" && Number.isFinite(exp)) summary.accessExpiresAtMs = exp * 1000;
  if (Number.isFinite(lastRefreshMs)) summary.lastRefreshAtMs = lastRefreshMs;
  if (!tokens.refresh_token) summary.problem = "auth.json has no refresh token";
  return summary;
}
