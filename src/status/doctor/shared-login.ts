import type { DoctorCheck, DoctorIssue } from "./types.js";

/**
 * Two accounts holding one login: with the same refresh token, the first
 * refresh rotates it and the other copy's next refresh is a reuse, which can
 * revoke the whole login. Same account and user, different token: a duplicate
 * that wastes a slot and confuses fallback.
 */
export const sharedLoginCheck: DoctorCheck = ({ snapshot, authReads }) => {
  const byToken = new Map<string, string[]>();
  const byIdentity = new Map<string, string[]>();
  for (const a of snapshot.accounts) {
    const read = authReads.get(a.name);
    const token = read?.kind === "ok" ? read.auth.tokens?.refresh_token : undefined;
    if (typeof token === "string" && token) byToken.set(token, [...(byToken.get(token) ?? []), a.name]);
    if (a.auth.accountId) {
      const identity = `${a.auth.accountId}\u0000${a.auth.userId ?? a.auth.email ?? ""}`;
      byIdentity.set(identity, [...(byIdentity.get(identity) ?? []), a.name]);
    }
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
  for (const names of byIdentity.values()) {
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
