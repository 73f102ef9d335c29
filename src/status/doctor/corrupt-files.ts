import fs from "node:fs";
import path from "node:path";
import { isBackupName } from "../../core/backup-file.js";
import type { DoctorCheck } from "./types.js";

function corruptCopies(dir: string): string[] {
  try {
    return (
      fs
        .readdirSync(dir)
        // `.corrupt-` is the name cao used before backup-file.ts.
        .filter((name) => isBackupName(name, "corrupt") || name.includes(".corrupt-"))
        .map((name) => path.join(dir, name))
    );
  } catch {
    return [];
  }
}

/** Copies cao kept of store files it found corrupt: something wrote garbage once. */
export const corruptFilesCheck: DoctorCheck = ({ snapshot }) => {
  const dirs = [snapshot.dataDir, ...snapshot.accounts.map((a) => path.join(snapshot.dataDir, a.name))];
  return dirs.flatMap(corruptCopies).map((file) => ({
    account: null,
    severity: "warning" as const,
    code: "corrupt-file-kept",
    message: `${file} is a copy of a file that was corrupt; check what was lost, then delete it`,
  }));
};
