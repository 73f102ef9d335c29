import {
  type AccountView,
  type LoginState,
  loadSnapshot,
  loginLabel,
  type StatusSnapshot,
  type UsageWindowView,
} from "./account-view.js";
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
  /** Set when the running gateway holds this login only in memory (the disk refused the rotated tokens). */
  memoryOnlySince: string | null;
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
  usage: { fiveHour: UsageWindowJson | null; weekly: UsageWindowJson | null; observedAt: string | null };
}

export interface StatusJson {
  generatedAt: string;
  dataDir: string;
  defaultAccount: string | null;
  accounts: AccountJson[];
  /** Pauses and reserves (cao.toml) applied; points: 100 = one whole account's window. */
  pool: {
    headroomPercent: number | null;
    headroomPoints: { primary: number; secondary: number };
    usableAccounts: number;
  } | null;
}

const windowJson = (w: UsageWindowView | null): UsageWindowJson | null =>
  w && { usedPercent: w.usedPercent, windowMinutes: w.windowMinutes, resetsAt: isoOrNull(w.resetsAtMs) };

export function accountJson(a: AccountView): AccountJson {
  const s = a.status;
  return {
    name: a.name,
    isDefault: a.isDefault,
    loginState: loginLabel(a),
    loginProblem: a.memoryOnly?.reason ?? a.auth.problem ?? null,
    memoryOnlySince: isoOrNull(a.memoryOnly?.sinceMs),
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
    pool: snapshot.pool
      ? {
          headroomPercent: snapshot.pool.percent ?? null,
          headroomPoints: snapshot.pool.points,
          usableAccounts: snapshot.pool.usable,
        }
      : null,
  };
}

/**
 * Every other command that shows accounts in JSON (`cao list`, `cao gateway
 * status`, `cao add`, ...) uses a subset of these same keys with the same
 * meaning, picked here: one vocabulary, so `loginState` never becomes
 * `loggedIn` and an ISO time never becomes epoch ms elsewhere.
 */
export function pickAccountJson<K extends keyof AccountJson>(
  a: AccountView,
  keys: readonly K[],
): Pick<AccountJson, K> {
  const full = accountJson(a);
  return Object.fromEntries(keys.map((key) => [key, full[key]])) as Pick<AccountJson, K>;
}

/** What `cao list --json` and the commands that add or import an account print for each. */
export const ACCOUNT_SUMMARY_KEYS = ["name", "isDefault", "loginState", "email"] as const;
/** What `cao gateway status --json` prints per account: what routing looks at. */
export const ROUTING_KEYS = [
  "name",
  "loginState",
  "coolingDown",
  "cooldownUntil",
  "usage",
  "lastError",
  "authProblem",
] as const;

/** One account's summary by name, as `cao add --json` and the imports print it. */
export function accountSummary(name: string, dir?: string): AccountSummaryJson | null {
  const view = loadSnapshot(dir).accounts.find((a) => a.name === name);
  return view ? pickAccountJson(view, ACCOUNT_SUMMARY_KEYS) : null;
}

export type AccountSummaryJson = Pick<AccountJson, (typeof ACCOUNT_SUMMARY_KEYS)[number]>;
export type RoutingAccountJson = Pick<AccountJson, (typeof ROUTING_KEYS)[number]>;
