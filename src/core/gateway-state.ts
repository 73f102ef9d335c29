import fs from "node:fs";
import path from "node:path";
import { dataDir, stateDir } from "./paths.js";
import { isProcessAlive, isSameProcess, processStartTime } from "./process-identity.js";
import { readStateLine, writeStateLine } from "./state-files.js";

/**
 * The running gateway, as shell code sees it: `.state/gateway` holds
 * `PID URL ACCOUNT START` (URL is what codex is pointed at, ACCOUNT the home
 * codex should start in, START the process start time from /proc/PID/stat, or
 * `-` where there is no /proc). A reader trusts the URL only while that very
 * process runs: same pid and same start time (a reused pid is not the
 * gateway), see process-identity.ts; the shell copies of that rule are
 * tested against one table (test/shell/gateway-live.test.ts). `.state/gateway-enabled` says routing is on; its one line
 * is `autostart` when a wrapper or shim may start a stopped gateway.
 */
export interface GatewayState {
  pid: number;
  url: string;
  account: string;
  /** The process start time (/proc/PID/stat field 22), undefined where unknown. */
  startTime?: string | undefined;
  /** Codex's `chatgpt_base_url` on the gateway's HTTPS side, when it serves one. */
  backendUrl?: string | undefined;
}

export const gatewayStatePath = (dir = dataDir()): string => path.join(stateDir(dir), "gateway");
export const gatewayEnabledPath = (dir = dataDir()): string => path.join(stateDir(dir), "gateway-enabled");

export function writeGatewayState(state: GatewayState, dir = dataDir()): void {
  const start = state.startTime ?? processStartTime(state.pid) ?? "-";
  writeStateLine(
    gatewayStatePath(dir),
    `${state.pid} ${state.url} ${state.account} ${start} ${state.backendUrl ?? "-"}`,
  );
}

export function removeGatewayState(dir = dataDir()): void {
  fs.rmSync(gatewayStatePath(dir), { force: true });
}

/** The recorded gateway, or undefined when none is recorded or its process is gone. */
export function readLiveGatewayState(dir = dataDir()): GatewayState | undefined {
  const state = readGatewayState(dir);
  return state && isSameProcess(state.pid, state.startTime) ? state : undefined;
}

export function readGatewayState(dir = dataDir()): GatewayState | undefined {
  const line = readStateLine(gatewayStatePath(dir));
  const [pidText, url, account, start, backend] = line?.split(" ") ?? [];
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !url || !account) return undefined;
  return {
    pid,
    url,
    account,
    startTime: start && /^\d+$/.test(start) ? start : undefined,
    backendUrl: backend?.startsWith("https://") ? backend : undefined,
  };
}

export { isProcessAlive };

/** `.state/gateway-enabled` (read by the wrappers and shims in shell): present = routing on, "autostart" = start a dead gateway. */
export function writeGatewayRouting(
  routing: { enabled: boolean; autostart: boolean },
  dir = dataDir(),
): void {
  if (!routing.enabled) {
    fs.rmSync(gatewayEnabledPath(dir), { force: true });
    return;
  }
  writeStateLine(gatewayEnabledPath(dir), routing.autostart ? "autostart" : "");
}

/** The `-c` override that routes the built-in provider through the gateway (Route A in docs/codex-notes.md, "Pointing Codex at a local gateway"). */
export function gatewayCodexArgs(url: string): string[] {
  return ["-c", `openai_base_url=${JSON.stringify(url)}`];
}
