import type { DoctorCheck, DoctorIssue } from "./types.js";

/** Whether each account has a usable ChatGPT login on disk. */
export const loginCheck: DoctorCheck = ({ snapshot }) =>
  snapshot.accounts.flatMap((a): DoctorIssue[] => {
    const issue = (severity: DoctorIssue["severity"], code: string, message: string) => [
      { account: a.name, severity, code, message },
    ];
    switch (a.auth.state) {
      case "missing":
        return issue(
          "error",
          "not-logged-in",
          `not logged in: \`cao add ${a.name} --relogin\` (or import a login)`,
        );
      case "unreadable":
      case "no-tokens":
        return issue(
          "error",
          "auth-unreadable",
          `${a.auth.problem}; log in again: \`cao add ${a.name} --relogin\``,
        );
      case "api-key":
        return issue("warning", "auth-api-key", "auth.json holds an API key, not a ChatGPT login");
      default:
        return a.auth.problem
          ? issue(
              "error",
              "no-refresh-token",
              `${a.auth.problem}; log in again: \`cao add ${a.name} --relogin\``,
            )
          : [];
    }
  });

/** A refresh the gateway or codex saw fail for good (`refresh_token_reused`, ...). */
export const authProblemCheck: DoctorCheck = ({ snapshot }) =>
  snapshot.accounts
    .filter((a) => a.status.authProblem)
    .map((a) => ({
      account: a.name,
      severity: "error" as const,
      code: "needs-login",
      message: `needs a new login (${a.status.authProblem}): \`cao add ${a.name} --relogin\``,
    }));
