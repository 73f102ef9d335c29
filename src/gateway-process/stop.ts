import fs from "node:fs";
import { isProcessAlive, removeGatewayState } from "../core/gateway-state.js";
import { dataDir } from "../core/paths.js";
import { pidFilePath, runningGatewayPid } from "./process-files.js";

/**
 * Stops the running gateway: SIGTERM (it lets streams finish for up to two
 * seconds), SIGKILL if it is still there after `graceMs`. Returns the pid it
 * stopped, or undefined when none was running (stale files are cleaned).
 */
export async function stopGateway(dir = dataDir(), graceMs = 6000): Promise<number | undefined> {
  const pid = runningGatewayPid(dir);
  if (pid === undefined) return undefined;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isProcessAlive(pid) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (isProcessAlive(pid)) {
    process.kill(pid, "SIGKILL");
    removeGatewayState(dir);
    fs.rmSync(pidFilePath(dir), { force: true });
  }
  return pid;
}
