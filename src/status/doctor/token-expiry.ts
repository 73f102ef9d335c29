import { relativeTime } from "../../core/time-format.js";
import type { DoctorCheck } from "./types.js";

/**
 * The access token's expiry. Codex refreshes it on use, so this matters for
 * accounts that sit idle until the refresh token itself goes stale.
 */
export const tokenExpiryCheck: DoctorCheck = ({ snapshot, thresholds, nowMs }) =>
  snapshot.accounts.flatMap((a) => {
    const exp = a.auth.accessExpiresAtMs;
    if (a.auth.state !== "ok" || !exp) return [];
    if (exp <= nowMs) {
      return [
        {
          account: a.name,
          severity: "warning" as const,
          code: "token-expired",
          message: `access token expired ${relativeTime(exp, nowMs)}; the next codex run refreshes it`,
        },
      ];
    }
    if (exp - nowMs <= thresholds.expiresWithinHours * 3_600_000) {
      return [
        {
          account: a.name,
          severity: "warning" as const,
          code: "token-expiring",
          message: `access token expires ${relativeTime(exp, nowMs)}`,
        },
      ];
    }
    return [];
  });
