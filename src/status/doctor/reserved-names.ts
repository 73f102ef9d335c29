import type { DoctorCheck } from "./types.js";

/**
 * An account made before cao refused reserved names (`gateway.log`,
 * `account_status.json`, `CON`...): its directory collides with cao's own
 * files. The recovery is in docs/troubleshooting.md.
 */
export const reservedNamesCheck: DoctorCheck = async ({ snapshot }) => {
  const { reservedNameProblem } = await import("../../core/account-name.js");
  return snapshot.accounts.flatMap((a) => {
    const problem = reservedNameProblem(a.name);
    if (!problem) return [];
    return [
      {
        account: a.name,
        severity: "error" as const,
        code: "account-name-reserved",
        message:
          `the account name ${JSON.stringify(a.name)} cannot be used: ${problem}; move its login to a new name: ` +
          `\`cao gateway stop\`, \`cao remove ${a.name} --yes\` (keeps that path), ` +
          `\`mv "${snapshot.dataDir}/${a.name}" /tmp/cao-recover\` if it is a directory holding auth.json, ` +
          "`cao import codex --source /tmp/cao-recover --name NEW` (see docs/troubleshooting.md)",
      },
    ];
  });
};
