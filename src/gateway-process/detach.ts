import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { type GatewayState, isProcessAlive, readGatewayState } from "../core/gateway-state.js";
import { dataDir } from "../core/paths.js";
import type { GatewayConfig } from "../gateway/config.js";
import { logFilePath, openLogFile, runningGatewayPid } from "./process-files.js";

const START_TIMEOUT_MS = 15_000;

/**
 * Node flags for a long-running gateway process (the detached start; service
 * units should use them too), measured with test/bench/gateway.bench.ts:
 * - A 1 MB young generation keeps the garbage of many streams from piling up:
 *   about 40 MB less RSS under 100 concurrent streams, no measurable cost in
 *   throughput.
 * - `--liftoff-only` keeps undici's HTTP parser (llhttp, WebAssembly) on V8's
 *   baseline compiler. Once many streams make it hot, V8 otherwise recompiles
 *   it with TurboFan, whose register allocator needs 25-35 MB of scratch memory
 *   for llhttp's one huge state-machine function: that burst was the gateway's
 *   peak RSS (102 -> 75 MB with 100 concurrent streams, 7 MB less idle). The
 *   baseline code parses fast enough: same throughput ratio, no more CPU (the
 *   recompilation cost more than it saved). It affects nothing else: the
 *   gateway runs no other WebAssembly, and JavaScript still tiers up.
 * - `--optimize-for-size` grows the old generation in small steps: a stream's
 *   objects outlive the young generation, and without it their garbage piled
 *   up between full collections, round after round (sustained peak 88 -> 78
 *   MB). It caps nothing (no heap limit, so no new out-of-memory case), and
 *   the gateway's CPU per MB did not change measurably.
 */
export const GATEWAY_NODE_FLAGS = ["--max-semi-space-size=1", "--liftoff-only", "--optimize-for-size"];

/** Flags for every setting, so the child runs exactly the config resolved here. */
export function configToArgs(config: GatewayConfig): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (typeof value === "boolean") args.push(value ? flag : `--no-${flag.slice(2)}`);
    else args.push(flag, String(value));
  }
  return args;
}

/**
 * `cao gateway start --detach`: starts the gateway as its own process (output
 * to gateway.log) and waits until it has published `.state/gateway`, so the
 * caller can use the URL as soon as this returns.
 */
export async function startDetached(config: GatewayConfig, dir = dataDir()): Promise<GatewayState> {
  const running = runningGatewayPid(dir);
  if (running !== undefined) {
    const url = readGatewayState(dir)?.url;
    throw new CaoError(
      `the gateway is already running (pid ${running}${url ? `, ${url}` : ""})`,
      ExitCode.failure,
      "stop it first with `cao gateway stop`",
    );
  }
  const cli = fileURLToPath(new URL("../cli.js", import.meta.url));
  const logFd = openLogFile(dir);
  const logStart = fs.fstatSync(logFd).size;
  const child = spawn(
    process.execPath,
    [...GATEWAY_NODE_FLAGS, cli, "gateway", "start", ...configToArgs(config)],
    {
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, CAO_HOME: dir },
      cwd: path.parse(dir).root,
    },
  );
  fs.closeSync(logFd);
  const pid = child.pid;
  child.unref();
  if (pid === undefined) throw new CaoError("could not start the gateway process", ExitCode.failure);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const state = readGatewayState(dir);
    if (state?.pid === pid) return state;
    if (!isProcessAlive(pid) || child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (isProcessAlive(pid)) process.kill(pid, "SIGTERM");
  throw new CaoError(
    `the gateway did not start: ${lastLogLine(dir, logStart)}`,
    ExitCode.failure,
    `see ${logFilePath(dir)}`,
  );
}

function lastLogLine(dir: string, from: number): string {
  try {
    const text = fs.readFileSync(logFilePath(dir), "utf8").slice(from).trim();
    const lines = text.split("\n").filter((line) => !line.includes("hint:"));
    // A log line may carry a timestamp (gateway lines) or a level tag (cao's own error line).
    return lines.at(-1)?.replace(/^(?:\d{4}-\S+\s+)?(?:error:\s*)?/i, "") ?? "no output";
  } catch {
    return "no output";
  }
}
