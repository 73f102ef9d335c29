import fs from "node:fs";
import path from "node:path";
import { dataDir, stateDir } from "./paths.js";
import { isProcessAlive, isSameProcess, processStartTime } from "./process-identity.js";
import { readStateLine, writeStateLine } from "./state-files.js";

/**
 * The running gateway, as shell code sees it: `.state/gateway` holds
 * `PID URL ACCOUNT START BACKEND` (URL is what codex is pointed at, ACCOUNT the
 * home codex should start in, START the process start time from /proc/PID/stat,
 * or `-` where there is no /proc; BACKEND Codex's `chatgpt_base_url` on the
 * gateway's HTTPS side, or `-`; a line without it is an older gateway's, with
 * no backend). A reader trusts the URL only while that very
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
/** The CA bundle Codex must trust for the backend URL (the gateway writes it before the state line). */
export const gatewayCaBundlePath = (dir = dataDir()): string => path.join(stateDir(dir), "gateway-ca.pem");

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

/** What a codex launch through the gateway adds: `-c` overrides first, and variables for its environment. */
export interface GatewayLaunch {
  args: string[];
  env: Record<string, string>;
}

/**
 * How codex is started through a live gateway: `-c openai_base_url` routes the
 * built-in provider (Route A in docs/codex-notes.md,
 * "Pointing Codex at a local gateway"); when the gateway also serves Codex's backend calls and its CA
 * bundle is there, `-c chatgpt_base_url` right after it, and
 * `CODEX_CA_CERTIFICATE` so Codex trusts that HTTPS side. The shell copies of
 * this rule (shells/cao.*, templates/codex-shim.*) are run against the same
 * table, test/fixtures/gateway-launch.json.
 */
export function gatewayCodexLaunch(
  gateway: Pick<GatewayState, "url" | "backendUrl">,
  dir = dataDir(),
): GatewayLaunch {
  const args = ["-c", `openai_base_url=${JSON.stringify(gateway.url)}`];
  const ca = gatewayCaBundlePath(dir);
  if (!gateway.backendUrl?.startsWith("https://") || !fs.statSync(ca, { throwIfNoEntry: false })?.isFile()) {
    return { args, env: {} };
  }
  args.push("-c", `chatgpt_base_url=${JSON.stringify(gateway.backendUrl)}`);
  return { args, env: { CODEX_CA_CERTIFICATE: ca } };
}
