import type { AccountStatus, SessionMove } from "../core/account-status.js";
import { ExitCode } from "../core/exit-codes.js";
import { updateAccountStatus } from "../core/status-update.js";
import type { RunVerdict } from "./run-evidence.js";

/** When Codex named no reset time, try the account again after this long. */
export const DEFAULT_COOLDOWN_MS = 60 * 60 * 1000;

/**
 * One attempt and its outcome in the status store, written once when codex has
 * exited (under the store's lock, so concurrent cao processes lose nothing).
 */
export function recordAttempt(
  account: string,
  startedAtMs: number,
  exitCode: number,
  verdict: RunVerdict,
  nowMs = Date.now(),
): void {
  updateAccountStatus(account, (previous) => {
    const next: AccountStatus = { ...previous, lastAttemptAtMs: startedAtMs };
    if (verdict.rateLimits) next.rateLimits = verdict.rateLimits;
    if (verdict.quota) {
      next.lastQuotaAtMs = nowMs;
      next.cooldownUntilMs = verdict.quota.resetsAtMs ?? nowMs + DEFAULT_COOLDOWN_MS;
      next.lastError = verdict.quota.message;
      return next;
    }
    if (exitCode === 0) {
      next.lastSuccessAtMs = nowMs;
      next.consecutiveFailures = 0;
      delete next.lastError;
      delete next.cooldownUntilMs;
      return next;
    }
    // Ctrl-C is the user's choice, not the account failing.
    if (exitCode === ExitCode.interrupted) return next;
    next.consecutiveFailures = (previous.consecutiveFailures ?? 0) + 1;
    next.lastError = `codex exited with status ${exitCode}`;
    return next;
  });
}

/** Which session moved from which account to which, on both accounts (`cao status` shows it). */
export function recordSessionMove(move: SessionMove): void {
  for (const account of new Set([move.from, move.to]))
    updateAccountStatus(account, (previous) => ({ ...previous, lastSessionMove: move }));
}
