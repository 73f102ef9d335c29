import type { DoctorCheck } from "./types.js";

/** A login the gateway could not save (full disk, EIO, EACCES): it dies with the gateway process. */
export const memoryOnlyCheck: DoctorCheck = ({ snapshot }) =>
  snapshot.accounts.flatMap((a) =>
    a.memoryOnly
      ? [
          {
            account: a.name,
            severity: "error" as const,
            code: "login-memory-only",
            message:
              `the login lives only in the gateway's memory: ${a.memoryOnly.reason}; ` +
              "free disk space and keep the gateway running until its log says the login is saved " +
              "(`cao gateway stop` refuses meanwhile unless a rescue copy exists)",
          },
        ]
      : [],
  );
