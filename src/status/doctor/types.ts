import type { StatusSnapshot } from "../../core/account-view.js";
import type { AuthRead } from "../../core/auth-file.js";

export type Severity = "info" | "warning" | "error";

export interface DoctorIssue {
  /** The account the issue is about, or null for the installation as a whole. */
  account: string | null;
  severity: Severity;
  /** Stable identifier (documented in the README), e.g. `token-expired`. */
  code: string;
  message: string;
}

export interface DoctorThresholds {
  expiresWithinHours: number;
  maxFailures: number;
}

export interface DoctorContext {
  snapshot: StatusSnapshot;
  /** Each account's raw auth.json read (checks that compare logins need the tokens; never print them). */
  authReads: Map<string, AuthRead>;
  thresholds: DoctorThresholds;
  env: NodeJS.ProcessEnv;
  nowMs: number;
}

/**
 * One health check. To add one (e.g. "config points at a gateway that is not
 * running"), write a function in its own file here and list it in checks.ts.
 */
export type DoctorCheck = (context: DoctorContext) => DoctorIssue[] | Promise<DoctorIssue[]>;
