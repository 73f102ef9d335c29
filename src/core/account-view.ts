import { type AccountStatus, isCoolingDown, loadStatuses, type RateLimitWindow } from "./account-status.js";
import { type AuthRead, type AuthSummary, readAuthFile, summarizeAuth } from "./auth-file.js";
import { authPath, dataDir } from "./paths.js";
import { loadRegistry } from "./registry.js";

/** One usage window as last seen (from the gateway or a codex run). */
export interface UsageWindowView {
  usedPercent: number;
  windowMinutes: number | null;
  resetsAtMs: number | null;
}

/** Everything `cao status` knows about one account. Never holds a token. */
export interface AccountView {
  name: string;
  isDefault: boolean;
  auth: AuthSummary;
  status: AccountStatus;
  coolingDown: boolean;
  fiveHour: UsageWindowView | null;
  weekly: UsageWindowView | null;
  usageObservedAtMs: number | null;
}

export interface StatusSnapshot {
  generatedAtMs: number;
  dataDir: string;
  defaultAccount: string | null;
  accounts: AccountView[];
}

function windowView(window: RateLimitWindow | undefined): UsageWindowView | null {
  if (!window) return null;
  return {
    usedPercent: window.usedPercent,
    windowMinutes: window.windowMinutes ?? null,
    resetsAtMs: window.resetsAtMs ?? null,
  };
}

/** The raw auth.json reads are returned too: the doctor compares logins across accounts. */
export function loadSnapshotWithAuth(
  dir = dataDir(),
  nowMs = Date.now(),
): { snapshot: StatusSnapshot; authReads: Map<string, AuthRead> } {
  const registry = loadRegistry(dir);
  const statuses = loadStatuses(dir);
  const authReads = new Map<string, AuthRead>();
  const accounts = registry.accounts.map((name): AccountView => {
    const read = readAuthFile(authPath(name, dir));
    authReads.set(name, read);
    const status = statuses[name] ?? {};
    const limits = status.rateLimits;
    return {
      name,
      isDefault: registry.default_account === name,
      auth: summarizeAuth(read),
      status,
      coolingDown: isCoolingDown(status, nowMs),
      fiveHour: windowView(limits?.primary),
      weekly: windowView(limits?.secondary),
      usageObservedAtMs: limits?.observedAtMs ?? null,
    };
  });
  return {
    snapshot: { generatedAtMs: nowMs, dataDir: dir, defaultAccount: registry.default_account, accounts },
    authReads,
  };
}

export function loadSnapshot(dir = dataDir(), nowMs = Date.now()): StatusSnapshot {
  return loadSnapshotWithAuth(dir, nowMs).snapshot;
}

export type LoginState =
  | "logged-in"
  | "not-logged-in"
  | "auth-unreadable"
  | "api-key"
  | "no-refresh-token"
  | "needs-login";

/** A short word for the login state, as the compact line and the JSON show it. */
export function loginLabel(account: AccountView): LoginState {
  if (account.status.authProblem) return "needs-login";
  switch (account.auth.state) {
    case "ok":
      return account.auth.problem ? "no-refresh-token" : "logged-in";
    case "missing":
      return "not-logged-in";
    case "api-key":
      return "api-key";
    default:
      return "auth-unreadable";
  }
}
