import { type AccountStatus, sessionMoveOf } from "../core/account-status-read.js";
import {
  type AccountView,
  type LoginState,
  loginLabel,
  type StatusSnapshot,
  type UsageWindowView,
} from "./model.js";
import { isoOrNull } from "./time-format.js";

/**
 * The stable `cao status --json` shape (documented in the README). Times are
 * ISO 8601 strings or null; fields are always present, so scripts need no
 * existence checks. No token ever appears here.
 */
export interface UsageWindowJson {
  usedPercent: number;
  windowMinutes: number | null;
  resetsAt: string | null;
}

export interface AccountJson {
  name: string;
  isDefault: boolean;
  loginState: LoginState;
  loginProblem: string | null;
  email: string | null;
  plan: string | null;
  accountId: string | null;
  tokenExpiresAt: string | null;
  lastRefreshAt: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastQuotaAt: string | null;
  cooldownUntil: string | null;
  coolingDown: boolean;
  consecutiveFailures: number;
  lastError: string | null;
  authProblem: string | null;
  /** The last session `cao run` resumed on another account after a usage limit. */
  lastSessionMove: { sessionId: string; from: string; to: string; at: string | null } | null;
  usage: { fiveHour: UsageWindowJson | null; weekly: UsageWindowJson | null; observedAt: string | null };
}

export interface StatusJson {
  generatedAt: string;
  dataDir: string;
  defaultAccount: string | null;
  accounts: AccountJson[];
}

const windowJson = (w: UsageWindowView | null): UsageWindowJson | null =>
  w && { usedPercent: w.usedPercent, windowMinutes: w.windowMinutes, resetsAt: isoOrNull(w.resetsAtMs) };

function moveJson(status: AccountStatus): AccountJson["lastSessionMove"] {
  const move = sessionMoveOf(status);
  return move ? { sessionId: move.sessionId, from: move.from, to: move.to, at: isoOrNull(move.atMs) } : null;
}

export function accountJson(a: AccountView): AccountJson {
  const s = a.status;
  return {
    name: a.name,
    isDefault: a.isDefault,
    loginState: loginLabel(a),
    loginProblem: a.auth.problem ?? null,
    email: a.auth.email ?? null,
    plan: a.auth.plan ?? null,
    accountId: a.auth.accountId ?? null,
    tokenExpiresAt: isoOrNull(a.auth.accessExpiresAtMs),
    lastRefreshAt: isoOrNull(a.auth.lastRefreshAtMs),
    lastAttemptAt: isoOrNull(s.lastAttemptAtMs),
    lastSuccessAt: isoOrNull(s.lastSuccessAtMs),
    lastQuotaAt: isoOrNull(s.lastQuotaAtMs),
    cooldownUntil: isoOrNull(s.cooldownUntilMs),
    coolingDown: a.coolingDown,
    consecutiveFailures: s.consecutiveFailures ?? 0,
    lastError: s.lastError ?? null,
    authProblem: s.authProblem ?? null,
    lastSessionMove: moveJson(s),
    usage: {
      fiveHour: windowJson(a.fiveHour),
      weekly: windowJson(a.weekly),
      observedAt: isoOrNull(a.usageObservedAtMs),
    },
  };
}

export function snapshotJson(snapshot: StatusSnapshot): StatusJson {
  return {
    generatedAt: new Date(snapshot.generatedAtMs).toISOString(),
    dataDir: snapshot.dataDir,
    defaultAccount: snapshot.defaultAccount,
    accounts: snapshot.accounts.map(accountJson),
  };
}
