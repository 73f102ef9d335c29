import { relativeTime } from "../../core/time-format.js";
import type { DoctorCheck, DoctorIssue } from "./types.js";

export const failuresCheck: DoctorCheck = ({ snapshot, thresholds }) =>
  snapshot.accounts.flatMap((a): DoctorIssue[] => {
    const failures = a.status.consecutiveFailures ?? 0;
    if (failures < thresholds.maxFailures) return [];
    const last = a.status.lastError ? `; last error: ${a.status.lastError}` : "";
    return [
      {
        account: a.name,
        severity: "warning",
        code: "too-many-failures",
        message: `${failures} consecutive failures${last}`,
      },
    ];
  });

/** Out of quota until a reset: expected, so only information. */
export const cooldownCheck: DoctorCheck = ({ snapshot, nowMs }) =>
  snapshot.accounts
    .filter((a) => a.coolingDown)
    .map((a) => ({
      account: a.name,
      severity: "info" as const,
      code: "cooling-down",
      message: `out of quota; the cooldown ends ${relativeTime(a.status.cooldownUntilMs, nowMs)}`,
    }));
