import path from "node:path";
import { findRealCodex } from "../core/codex-binary.js";
import { codexEnv } from "../core/codex-env.js";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { probeGateway } from "../core/gateway-probe.js";
import { gatewayCodexLaunch, readLiveGatewayState } from "../core/gateway-state.js";
import { readyAccountHome } from "./account-home.js";
import { releaseSession } from "./pool-resume.js";
import type { PoolSession } from "./pool-sessions.js";
import { runCodex } from "./spawn-codex.js";

/**
 * `cao run --gateway`: one codex run routed through the running gateway,
 * which switches accounts per request itself, so nothing is re-run. Codex
 * starts in the home of the account the gateway names (its backend calls use
 * that login) and keeps the terminal.
 */
export async function runThroughGateway(
  codexPath: string | undefined,
  codexArgs: string[],
  chosenSession?: PoolSession,
): Promise<number> {
  const gateway = readLiveGatewayState();
  if (!gateway) {
    throw new CaoError(
      "the gateway is not running",
      ExitCode.failure,
      "start it with `cao gateway start --detach`, or run without --gateway",
    );
  }
  // Codex will send the account's token there: first make sure the port is held by the user's
  // gateway (it proves it knows the key in .state/gateway-key), not by whoever took it.
  const probe = await probeGateway();
  if (probe.kind !== "verified") {
    throw new CaoError(
      `${gateway.url} could not be verified as your gateway: ${probe.kind === "unverified" ? probe.reason : "not recorded"}; codex was not started`,
      ExitCode.failure,
      "restart it with `cao gateway stop && cao gateway start --detach`, or run without --gateway",
    );
  }
  const bin = findRealCodex(codexPath);
  const home = await readyAccountHome(gateway.account);
  await releaseSession(chosenSession, gateway.account, bin, { sessionsDir: path.join(home, "sessions") });
  const launch = gatewayCodexLaunch(gateway);
  const run = await runCodex(bin, [...launch.args, ...codexArgs], { ...codexEnv(home), ...launch.env }, true);
  return run.exitCode;
}
