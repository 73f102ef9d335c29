import { loadSnapshotWithAuth, markMemoryOnlyLogins } from "../../core/account-view.js";
import { CaoError } from "../../core/errors.js";
import { ExitCode } from "../../core/exit-codes.js";
import { dataDir } from "../../core/paths.js";
import { doctorChecks } from "./checks.js";
import type { DoctorCheck, DoctorIssue, DoctorThresholds } from "./types.js";

export interface DoctorReport {
  generatedAt: string;
  thresholds: DoctorThresholds;
  totals: { accounts: number; ok: number; warnings: number; errors: number };
  issues: DoctorIssue[];
}

/**
 * Runs every check. A corrupt registry is itself a finding (not a crash):
 * the doctor is what a user runs when things are broken.
 */
export async function runDoctor(
  thresholds: DoctorThresholds,
  options: { dir?: string; env?: NodeJS.ProcessEnv; nowMs?: number; checks?: DoctorCheck[] } = {},
): Promise<DoctorReport> {
  const dir = options.dir ?? dataDir();
  const env = options.env ?? process.env;
  const nowMs = options.nowMs ?? Date.now();
  const issues: DoctorIssue[] = [];
  let accounts: string[] = [];
  try {
    const { snapshot, authReads } = loadSnapshotWithAuth(dir, nowMs);
    accounts = snapshot.accounts.map((a) => a.name);
    await markMemoryOnlyLogins(snapshot);
    for (const check of options.checks ?? doctorChecks) {
      issues.push(...(await check({ snapshot, authReads, thresholds, env, nowMs })));
    }
  } catch (error) {
    if (!(error instanceof CaoError) || error.exitCode !== ExitCode.data) throw error;
    issues.push({ account: null, severity: "error", code: "store-unreadable", message: error.message });
  }
  const bad = new Set(issues.filter((i) => i.severity !== "info" && i.account).map((i) => i.account));
  return {
    generatedAt: new Date(nowMs).toISOString(),
    thresholds,
    totals: {
      accounts: accounts.length,
      ok: accounts.filter((name) => !bad.has(name)).length,
      warnings: issues.filter((i) => i.severity === "warning").length,
      errors: issues.filter((i) => i.severity === "error").length,
    },
    issues,
  };
}

/** 0 ok, 1 warnings, 2 errors. */
export function doctorExitCode(report: DoctorReport): number {
  if (report.totals.errors > 0) return 2;
  return report.totals.warnings > 0 ? 1 : 0;
}

export function renderDoctor(report: DoctorReport): string {
  const { totals } = report;
  const lines = report.issues.map(
    // Installation-wide issues (no account) read as plain sentences, not "-: ...".
    (i) => `${i.severity.padEnd(7)} ${i.account ? `${i.account}: ` : ""}${i.message} [${i.code}]`,
  );
  lines.push(
    `${totals.accounts} account(s): ${totals.ok} ok, ${totals.warnings} warning(s), ${totals.errors} error(s)`,
  );
  return lines.join("\n");
}
