/**
 * cao's own exit codes (documented in the README). A command that runs codex
 * exits with codex's status instead; these are only for cao's own failures.
 */
export const ExitCode = {
  ok: 0,
  /** A runtime failure (a login that failed, a gateway that would not start). */
  failure: 1,
  /** Bad input: unknown flag, invalid or unknown account name, wrong arguments. */
  usage: 2,
  /** A data file is corrupt or unreadable; it was kept and backed up, never overwritten. */
  data: 3,
  /** The real codex binary could not be found. */
  codexMissing: 4,
  /** Another cao process held a lock for too long. */
  locked: 5,
  /** Every account is out of quota (cao run, gateway). */
  quotaExhausted: 75,
  /** Interrupted by the user (Ctrl-C). */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
