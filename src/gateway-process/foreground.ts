import fs from "node:fs";
import { type BackendTls, loadBackendTls } from "../core/backend-tls.js";
import { OpensslMissingError } from "../core/loopback-certificate.js";
import { dataDir } from "../core/paths.js";
import type { GatewayConfig } from "../gateway/config.js";
import { startGateway } from "../gateway/server.js";
import { batchedWriter } from "./log-batch.js";
import { formatLogLine, maxLogBytes, RotatingLog } from "./log-file.js";
import { acquirePidFile, logFilePath, releasePidFile } from "./process-files.js";

/** Where log lines go: the data dir's gateway.log (rotated while running) when stderr is that file, else stderr. */
let sink: ((text: string) => void) | undefined;

// Batched (a synchronous write per request costs the request path); to the rotating log once detached.
const logLines = batchedWriter((text) => (sink ? sink(text) : process.stderr.write(text)));

/** A log line with a timestamp, to stderr (the log file when detached), batched. Never pass tokens. */
export function gatewayLog(line: string): void {
  logLines.line(formatLogLine(line));
}

function useLogFileWhenDetached(dir: string): void {
  const file = logFilePath(dir);
  try {
    const out = fs.fstatSync(2);
    const onDisk = fs.lstatSync(file);
    if (!onDisk.isFile() || out.ino !== onDisk.ino || out.dev !== onDisk.dev) return;
  } catch {
    return;
  }
  const log = new RotatingLog(file, maxLogBytes());
  sink = (text) => log.write(text);
}

/**
 * `cao gateway start` in the foreground (also what a detached start runs):
 * takes the pid file, serves until SIGINT/SIGTERM, then lets streams finish
 * briefly, flushes the status store and removes its files.
 */
export async function runGatewayForeground(config: GatewayConfig, dir = dataDir()): Promise<void> {
  acquirePidFile(dir);
  useLogFileWhenDetached(dir);
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    const backendTls = config.backend ? backendCertificate(dir) : undefined;
    gateway = await startGateway({
      config,
      dir,
      log: gatewayLog,
      publishState: true,
      ...(backendTls && { backendTls }),
    });
  } catch (error) {
    releasePidFile(dir);
    throw error;
  }
  gatewayLog(`gateway listening on ${gateway.url} (upstream ${config.baseUrl})`);
  if (gateway.backendUrl) gatewayLog(`Codex's own backend calls served at ${gateway.backendUrl}`);
  // The line `cao gateway start --detach` waits for goes out at once.
  logLines.flush();
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

/** The HTTPS side's certificate, made once per install; without openssl that side stays off. */
function backendCertificate(dir: string): BackendTls | undefined {
  try {
    return loadBackendTls(dir);
  } catch (error) {
    const why = error instanceof OpensslMissingError ? "openssl is not installed" : String(error);
    gatewayLog(`Codex's own backend calls are not served (${why}); its quota view stays the home account's`);
    return undefined;
  }
}
