import {
  pickAccountJson,
  ROUTING_KEYS,
  type RoutingAccountJson,
  type UsageWindowJson,
} from "../core/account-json.js";
import { loadSnapshot } from "../core/account-view.js";
import { readGatewayState } from "../core/gateway-state.js";
import { dataDir } from "../core/paths.js";
import { gatewayConfigPath } from "../gateway/config.js";
import { logFilePath, pidFilePath, readPidFile, runningGatewayPid } from "./process-files.js";

/** `cao gateway status --json`: a stable shape. */
export interface GatewayStatusReport {
  running: boolean;
  pid: number | null;
  url: string | null;
  /** Codex's `chatgpt_base_url` on the gateway's HTTPS side (docs/tui.md), null when not served. */
  backendUrl: string | null;
  /** The account new sessions (and new codex launches) start on. */
  account: string | null;
  pidFile: string;
  /** What was wrong with gateway.pid (empty, junk) when this report cleaned it, else null. */
  pidFileProblem: string | null;
  logFile: string;
  configFile: string;
  accounts: RoutingAccountJson[];
}

export function gatewayStatus(dir = dataDir()): GatewayStatusReport {
  const pidFileBefore = readPidFile(dir);
  const pid = runningGatewayPid(dir);
  const state = pid === undefined ? undefined : readGatewayState(dir);
  const accounts = loadSnapshot(dir).accounts.map((a) => pickAccountJson(a, ROUTING_KEYS));
  return {
    running: pid !== undefined,
    pid: pid ?? null,
    url: state?.url ?? null,
    backendUrl: state?.backendUrl ?? null,
    account: state?.account ?? null,
    pidFile: pidFilePath(dir),
    pidFileProblem:
      pidFileBefore.kind === "junk" ? `gateway.pid was ${pidFileBefore.problem}; removed it` : null,
    logFile: logFilePath(dir),
    configFile: gatewayConfigPath(dir),
    accounts,
  };
}

/** A window's use, or nothing once it has reset (its percent is then stale). */
function currentPercent(window: UsageWindowJson | null, nowMs: number): number | null {
  if (!window) return null;
  return window.resetsAt && Date.parse(window.resetsAt) <= nowMs ? 0 : window.usedPercent;
}

export function formatAccountLine(line: RoutingAccountJson, width: number, nowMs = Date.now()): string {
  const parts: string[] = [];
  const fiveHour = currentPercent(line.usage.fiveHour, nowMs);
  const weekly = currentPercent(line.usage.weekly, nowMs);
  if (fiveHour !== null) parts.push(`5h ${Math.round(fiveHour)}%`);
  if (weekly !== null) parts.push(`week ${Math.round(weekly)}%`);
  if (line.coolingDown && line.cooldownUntil) {
    parts.push(`cooling down until ${new Date(line.cooldownUntil).toLocaleTimeString()}`);
  }
  if (line.authProblem) parts.push(`login problem: ${line.authProblem}`);
  else if (line.lastError && !line.coolingDown) parts.push(`last error: ${line.lastError}`);
  return `  ${line.name.padEnd(width)}  ${parts.join(", ") || "no usage seen yet"}`;
}

export function formatGatewayStatus(status: GatewayStatusReport): string {
  const lines = status.running
    ? [
        `gateway: running (pid ${status.pid}) at ${status.url ?? "(starting)"}`,
        `new sessions start on: ${status.account ?? "-"}`,
        status.backendUrl
          ? `Codex's own backend calls: ${status.backendUrl} (its quota view follows the pool)`
          : "Codex's own backend calls: not served (its quota view is its home account's; see the gateway log)",
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
