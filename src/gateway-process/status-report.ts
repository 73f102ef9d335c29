import { isCoolingDown, loadStatuses } from "../core/account-status.js";
import { readGatewayState } from "../core/gateway-state.js";
import { dataDir } from "../core/paths.js";
import { loadRegistry } from "../core/registry.js";
import { gatewayConfigPath } from "../gateway/config.js";
import { logFilePath, pidFilePath, readPidFile, runningGatewayPid } from "./process-files.js";

/** `cao gateway status --json`: a stable shape. */
export interface GatewayStatusReport {
  running: boolean;
  pid: number | null;
  url: string | null;
  /** The account new sessions (and new codex launches) start on. */
  account: string | null;
  pidFile: string;
  /** What was wrong with gateway.pid (empty, junk) when this report cleaned it, else null. */
  pidFileProblem: string | null;
  logFile: string;
  configFile: string;
  accounts: AccountLine[];
}

export interface AccountLine {
  name: string;
  coolingDownUntilMs: number | null;
  primaryUsedPercent: number | null;
  secondaryUsedPercent: number | null;
  lastError: string | null;
  authProblem: string | null;
}

export function gatewayStatus(dir = dataDir()): GatewayStatusReport {
  const pidFileBefore = readPidFile(dir);
  const pid = runningGatewayPid(dir);
  const state = pid === undefined ? undefined : readGatewayState(dir);
  const statuses = loadStatuses(dir);
  const now = Date.now();
  const accounts = loadRegistry(dir).accounts.map((name): AccountLine => {
    const status = statuses[name] ?? {};
    const fresh = (window: { usedPercent: number; resetsAtMs?: number } | undefined) =>
      window && (window.resetsAtMs === undefined || window.resetsAtMs > now)
        ? window.usedPercent
        : window
          ? 0
          : null;
    return {
      name,
      coolingDownUntilMs: isCoolingDown(status, now) ? (status.cooldownUntilMs ?? null) : null,
      primaryUsedPercent: fresh(status.rateLimits?.primary),
      secondaryUsedPercent: fresh(status.rateLimits?.secondary),
      lastError: status.lastError ?? null,
      authProblem: status.authProblem ?? null,
    };
  });
  return {
    running: pid !== undefined,
    pid: pid ?? null,
    url: state?.url ?? null,
    account: state?.account ?? null,
    pidFile: pidFilePath(dir),
    pidFileProblem:
      pidFileBefore.kind === "junk" ? `gateway.pid was ${pidFileBefore.problem}; removed it` : null,
    logFile: logFilePath(dir),
    configFile: gatewayConfigPath(dir),
    accounts,
  };
}

export function formatAccountLine(line: AccountLine, width: number): string {
  const parts: string[] = [];
  if (line.primaryUsedPercent !== null) parts.push(`5h ${Math.round(line.primaryUsedPercent)}%`);
  if (line.secondaryUsedPercent !== null) parts.push(`week ${Math.round(line.secondaryUsedPercent)}%`);
  if (line.coolingDownUntilMs !== null) {
    parts.push(`cooling down until ${new Date(line.coolingDownUntilMs).toLocaleTimeString()}`);
  }
  if (line.authProblem) parts.push(`login problem: ${line.authProblem}`);
  else if (line.lastError && line.coolingDownUntilMs === null) parts.push(`last error: ${line.lastError}`);
  return `  ${line.name.padEnd(width)}  ${parts.join(", ") || "no usage seen yet"}`;
}

export function formatGatewayStatus(status: GatewayStatusReport): string {
  const lines = status.running
    ? [
        `gateway: running (pid ${status.pid}) at ${status.url ?? "(starting)"}`,
        `new sessions start on: ${status.account ?? "-"}`,
      ]
    : ["gateway: not running (start it with `cao gateway start --detach`)"];
  if (status.pidFileProblem) lines.push(`note: ${status.pidFileProblem}`);
  lines.push(`log: ${status.logFile}`);
  if (status.accounts.length > 0) {
    const width = Math.max(...status.accounts.map((a) => a.name.length));
    lines.push("accounts:", ...status.accounts.map((a) => formatAccountLine(a, width)));
  }
  return lines.join("\n");
}
