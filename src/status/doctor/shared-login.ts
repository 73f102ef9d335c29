import { loginIdentity } from "../../accounts/login-identity.js";
import type { DoctorCheck, DoctorIssue } from "./types.js";

function group(map: Map<string, string[]>, key: string | undefined, name: string): void {
  if (key) map.set(key, [...(map.get(key) ?? []), name]);
}

/**
 * Two accounts holding one login: with the same refresh token, the first
 * refresh rotates it and the other copy's next refresh is a reuse, which can
 * revoke the whole login. Same account and user, different token: a duplicate
 * that wastes a slot and confuses fallback.
 */
export const sharedLoginCheck: DoctorCheck = ({ snapshot, authReads }) => {
  const byToken = new Map<string, string[]>();
  const byUser = new Map<string, string[]>();
  for (const a of snapshot.accounts) {
    const read = authReads.get(a.name);
    if (read?.kind !== "ok") continue;
    const identity = loginIdentity(read.auth);
    group(byToken, identity.refreshToken, a.name);
    group(byUser, identity.who, a.name);
  }
  const issues: DoctorIssue[] = [];
  const tokenGroups = [...byToken.values()].filter((names) => names.length > 1);
  for (const names of tokenGroups) {
    issues.push({
      account: names[0] ?? null,
      severity: "error",
      code: "shared-refresh-token",
      message: `${names.join(", ")} hold the same refresh token; the first refresh kills the others' copy (remove all but one)`,
    });
  }
  for (const names of byUser.values()) {
    if (names.length < 2 || tokenGroups.some((g) => g.join() === names.join())) continue;
    issues.push({
      account: names[0] ?? null,
      severity: "warning",
      code: "duplicate-login",
      message: `${names.join(", ")} are logged in to the same ChatGPT account and user`,
    });
  }
  return issues;
};
