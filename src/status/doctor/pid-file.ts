import type { DoctorCheck } from "./types.js";

/** An empty or junk gateway.pid (a start that failed half way, e.g. on a full disk). */
export const pidFileCheck: DoctorCheck = async ({ snapshot }) => {
  const { pidFilePath, readPidFile } = await import("../../gateway-process/process-files.js");
  const read = readPidFile(snapshot.dataDir);
  if (read.kind !== "junk") return [];
  return [
    {
      account: null,
      severity: "warning",
      code: "gateway-pid-junk",
      message:
        `${pidFilePath(snapshot.dataDir)} is ${read.problem}; ` +
        "`cao gateway start` (or `cao gateway status`) removes it and starts cleanly",
    },
  ];
};
