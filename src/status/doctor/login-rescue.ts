import { readLoginRescues } from "../../core/login-rescue.js";
import type { DoctorCheck } from "./types.js";

/**
 * A rescue copy a stopped or killed gateway left (its disk refused the
 * rotated tokens, core/login-rescue.ts): the auth.json on disk holds a dead
 * refresh token until the next gateway start takes the copy back. A running
 * gateway holding it is the memory-only check's case.
 */
export const loginRescueCheck: DoctorCheck = ({ snapshot, env }) =>
  readLoginRescues(snapshot.dataDir, env).flatMap((rescue) => {
    const account = snapshot.accounts.find((a) => a.name === rescue.account);
    if (!account || account.memoryOnly) return [];
    return [
      {
        account: rescue.account,
        severity: "error" as const,
        code: "login-rescue-copy",
        message:
          `the newest login is in a rescue copy at ${rescue.file} (the disk refused it); ` +
          "free disk space and run `cao gateway start`, which saves it to auth.json",
      },
    ];
  });
