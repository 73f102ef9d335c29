import fs from "node:fs";
import { accountDir, authPath } from "../../core/paths.js";
import type { DoctorCheck, DoctorIssue } from "./types.js";

function modeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).mode & 0o777;
  } catch {
    return undefined;
  }
}

/** Tokens must not be readable by other users: dirs 0700, auth.json 0600. */
export const permissionsCheck: DoctorCheck = ({ snapshot }) => {
  const issues: DoctorIssue[] = [];
  const check = (account: string | null, file: string, wanted: number) => {
    const mode = modeOf(file);
    if (mode === undefined || (mode & 0o077) === 0) return;
    issues.push({
      account,
      severity: "warning",
      code: "permissions",
      message: `${file} is ${mode.toString(8).padStart(4, "0")}, readable by others (fix: chmod ${wanted.toString(8)} ${file})`,
    });
  };
  check(null, snapshot.dataDir, 0o700);
  for (const a of snapshot.accounts) {
    check(a.name, accountDir(a.name, snapshot.dataDir), 0o700);
    check(a.name, authPath(a.name, snapshot.dataDir), 0o600);
  }
  return issues;
};
