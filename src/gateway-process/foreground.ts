import { dataDir } from "../core/paths.js";
import type { GatewayConfig } from "../gateway/config.js";
import { startGateway } from "../gateway/server.js";
import { batchedWriter } from "./log-batch.js";
import { acquirePidFile, releasePidFile } from "./process-files.js";

const stderr = batchedWriter((text) => process.stderr.write(text));

/** A log line with a timestamp, to stderr (the log file when detached), batched. Never pass tokens. */
export function gatewayLog(line: string): void {
  stderr.line(`${new Date().toISOString()} ${line}\n`);
}

/**
 * `cao gateway start` in the foreground (also what a detached start runs):
 * takes the pid file, serves until SIGINT/SIGTERM, then lets streams finish
 * briefly, flushes the status store and removes its files.
 */
export async function runGatewayForeground(config: GatewayConfig, dir = dataDir()): Promise<void> {
  acquirePidFile(dir);
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({ config, dir, log: gatewayLog, publishState: true });
  } catch (error) {
    releasePidFile(dir);
    throw error;
  }
  gatewayLog(`gateway listening on ${gateway.url} (upstream ${config.baseUrl})`);
  // The line `cao gateway start --detach` waits for goes out at once.
  stderr.flush();
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      gatewayLog(`${signal}: stopping`);
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      gateway
        .close()
        .catch((error: unknown) =>
          gatewayLog(`error while stopping: ${error instanceof Error ? error.message : error}`),
        )
        .finally(() => {
          releasePidFile(dir);
          gatewayLog("stopped");
          resolve();
        });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
