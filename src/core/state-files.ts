import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { dataDir, stateDir } from "./paths.js";

/**
 * Plain-text state for shell code, read with builtins only (no forks on the
 * prompt or wrapper path). Every file is one line, written atomically:
 *
 *   .state/default            <account name>            (empty: no default)
 *   .state/accounts           <account name> per line   (the registry's accounts, in
 *                             its order; read by the completion scripts)
 *   .state/usage/<account>    <p_used> <p_reset> <s_used> <s_reset>
 *                             integers: percent used, reset as unix seconds;
 *                             "-" where unknown (p = 5-hour, s = weekly window)
 *   .state/pool               <headroom percent> <stale at, unix seconds> (core/pool-state.ts)
 *   .state/gateway            <pid> <codex base url> <account to start codex in> <start> <backend>
 *                             present only while the gateway runs; <start> is the
 *                             process start time (/proc/PID/stat field 22) or "-";
 *                             <backend> Codex's chatgpt_base_url on the gateway's HTTPS
 *                             side, or "-" (core/gateway-state.ts)
 *   .state/gateway-enabled    present when routing through the gateway is on
 */
export function writeDefaultAccountState(name: string | null, dir = dataDir()): void {
  writeStateLine(path.join(stateDir(dir), "default"), name ?? "");
}

/** `.state/accounts`: every registered account, one per line (no line at all when there are none). */
export function writeAccountsState(names: readonly string[], dir = dataDir()): void {
  const file = path.join(stateDir(dir), "accounts");
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, names.map((name) => `${name}\n`).join(""), { mode: 0o644 });
}

export interface UsageLine {
  primaryUsedPercent?: number | undefined;
  primaryResetsAtMs?: number | undefined;
  secondaryUsedPercent?: number | undefined;
  secondaryResetsAtMs?: number | undefined;
}

/** The `.state/usage/<account>` line for these figures. */
export function usageStateLine(usage: UsageLine): string {
  const field = (value: number | undefined, scale = 1) =>
    value === undefined || !Number.isFinite(value) ? "-" : String(Math.round(value / scale));
  return [
    field(usage.primaryUsedPercent),
    field(usage.primaryResetsAtMs, 1000),
    field(usage.secondaryUsedPercent),
    field(usage.secondaryResetsAtMs, 1000),
  ].join(" ");
}

/**
 * The usage line is a cache of the status file (rewritten from it on the next
 * change), so it is written without fsync: the gateway updates it while serving.
 */
export function writeUsageState(account: string, line: string, dir = dataDir()): void {
  writeStateLine(path.join(stateDir(dir), "usage", account), line, false);
}

export function removeAccountState(account: string, dir = dataDir()): void {
  fs.rmSync(path.join(stateDir(dir), "usage", account), { force: true });
}

export function writeStateLine(file: string, line: string, durable = true): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${line}\n`, { mode: 0o644, durable });
}

export function readStateLine(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8").split("\n", 1)[0];
  } catch {
    return undefined;
  }
}
