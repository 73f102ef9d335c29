import path from "node:path";
import type { RateLimits } from "../core/account-status.js";
import { readAuthFile, summarizeAuth } from "../core/auth-file.js";
import type { QuotaSignal } from "./quota-signal.js";
import { type RolloutEvidence, readRolloutEvidence } from "./rollout-evidence.js";
import { recentRollouts, rolloutForSession } from "./rollout-files.js";

/** What cao concluded about one codex run. */
export interface RunVerdict {
  quota?: QuotaSignal;
  rateLimits?: RateLimits;
  /** Set when several concurrent sessions could have been this run's and they disagree. */
  ambiguous?: string;
  /** The session this run wrote to, when known (what the next account resumes). */
  sessionId?: string;
}

export interface RunFacts {
  accountHome: string;
  startedAtMs: number;
  endedAtMs: number;
  exitCode: number;
  /** From the stderr header; undefined when codex had the terminal. */
  sessionId: string | undefined;
  /** Codex's own usage-limit line on stderr; undefined when codex had the terminal. */
  stderrQuota: QuotaSignal | undefined;
}

/**
 * Structured evidence first: the rollout file Codex wrote during this run.
 * Codex's own `ERROR:` line on stderr counts only when no rollout says what
 * happened, and only if codex failed (it exits 1 on a usage limit).
 */
export function judgeRun(facts: RunFacts): RunVerdict {
  const { evidence, ambiguous } = findRunEvidence(facts);
  const sessionId = evidence?.sessionId ?? facts.sessionId;
  if (evidence && evidence.turnsEnded > 0) {
    return {
      ...(evidence.quota && { quota: evidence.quota }),
      ...(evidence.rateLimits && { rateLimits: evidence.rateLimits }),
      ...(sessionId && { sessionId }),
    };
  }
  const verdict: RunVerdict = evidence?.rateLimits ? { rateLimits: evidence.rateLimits } : {};
  if (sessionId) verdict.sessionId = sessionId;
  // Codex's own line on this run's own stderr settles what concurrent rollouts could not.
  if (facts.exitCode !== 0 && facts.stderrQuota) verdict.quota = facts.stderrQuota;
  else if (ambiguous) verdict.ambiguous = ambiguous;
  return verdict;
}

function findRunEvidence(facts: RunFacts): { evidence?: RolloutEvidence; ambiguous?: string } {
  const sessions = path.join(facts.accountHome, "sessions");
  if (facts.sessionId) {
    const file = rolloutForSession(sessions, facts.sessionId, facts.startedAtMs, facts.endedAtMs);
    const evidence = file ? readRolloutEvidence(file, facts.startedAtMs) : undefined;
    return evidence ? { evidence } : {};
  }
  const all = recentRollouts(sessions, facts.startedAtMs, facts.endedAtMs)
    .map((file) => readRolloutEvidence(file, facts.startedAtMs))
    .filter((e): e is RolloutEvidence => e !== undefined && e.lastRecordAtMs > 0);
  // Another account's concurrent session is not ours (a session resumed from
  // another account keeps its creator, so this only narrows, never empties).
  const accountId = summarizeAuth(readAuthFile(path.join(facts.accountHome, "auth.json"))).accountId;
  const mine = all.filter((e) => accountId !== undefined && e.creatorAccountId === accountId);
  const candidates = mine.length > 0 ? mine : all;
  if (candidates.length <= 1) return candidates[0] ? { evidence: candidates[0] } : {};
  const quotaVerdicts = new Set(candidates.map((e) => e.quota !== undefined));
  const latest = candidates.reduce((a, b) => (b.lastRecordAtMs > a.lastRecordAtMs ? b : a));
  if (quotaVerdicts.size === 1) return { evidence: latest };
  return {
    ambiguous: `${candidates.length} codex sessions were written to during this run and disagree on whether the quota ran out`,
  };
}
