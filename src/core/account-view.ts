import { type AccountStatus, isCoolingDown, loadStatuses, type RateLimitWindow } from "./account-status.js";
import { type AuthRead, type AuthSummary, readAuthFile, summarizeAuth } from "./auth-file.js";
import { readGatewayState } from "./gateway-state.js";
import { authPath, dataDir } from "./paths.js";
import { type PoolHeadroom, poolHeadroom, poolMember, type Settings } from "./pool-policy.js";
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
  /** Set when the running gateway holds this login's rotated tokens only in memory (the disk refused them). */
  memoryOnly: { sinceMs: number; reason: string; rescueFile: string | null } | null;
}

export interface StatusSnapshot {
  generatedAtMs: number;
  dataDir: string;
  defaultAccount: string | null;
  accounts: AccountView[];
  /** The pool's headroom (pauses and reserves from cao.toml applied), when computed (`poolOf`). */
  pool?: PoolHeadroom;
}

/** The pool's headroom from what the status shows (only logged-in accounts count). */
export function poolOf(
  snapshot: StatusSnapshot,
  settings: Settings,
  nowMs = snapshot.generatedAtMs,
): PoolHeadroom {
  const members = snapshot.accounts.map((a) =>
    poolMember(
      a.name,
      settings,
      a.status.rateLimits,
      { loginWorks: loginLabel(a) === "logged-in", coolingDown: isCoolingDown(a.status, nowMs) },
      nowMs,
    ),
  );
  return poolHeadroom(members);
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
      memoryOnly: null,
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

/**
 * Asks a running gateway which logins live only in its memory (a full disk
 * refused their rotated tokens) and marks them: the files on disk are stale
 * for those. Only when a gateway is recorded, so plain status stays fast.
 */
export async function markMemoryOnlyLogins(snapshot: StatusSnapshot): Promise<void> {
  // Checked before the import: the probe loads node:http (~8 ms), which a plain status must not pay.
  if (!readGatewayState(snapshot.dataDir)) return;
  const { probeGateway } = await import("./gateway-probe.js");
  const probe = await probeGateway(snapshot.dataDir);
  if (probe.kind !== "verified") return;
  for (const lost of probe.health.unsaved) {
    const account = snapshot.accounts.find((a) => a.name === lost.account);
    // A gateway from before rescue copies does not say: none.
    if (account)
      account.memoryOnly = {
        sinceMs: lost.sinceMs,
        reason: lost.reason,
        rescueFile: lost.rescueFile ?? null,
      };
  }
}

export type LoginState =
  | "logged-in"
  | "memory-only"
  | "not-logged-in"
  | "auth-unreadable"
  | "api-key"
  | "no-refresh-token"
  | "needs-login";

/** A short word for the login state, as the compact line and the JSON show it. */
export function loginLabel(account: AccountView): LoginState {
  if (account.memoryOnly) return "memory-only";
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
