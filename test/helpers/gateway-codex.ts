import path from "node:path";
import { codexEnv } from "../../src/core/codex-env.js";
import { gatewayCodexLaunch } from "../../src/core/gateway-state.js";
import { accountDir } from "../../src/core/paths.js";
import { codexBin, type RunResult, runProcess } from "./cli.js";
import type { GatewayWorld } from "./gateway.js";

/**
 * Runs the real codex through a gateway world's gateway, as `cao run
 * --gateway` does: in the home of `account`, with the `-c openai_base_url`
 * route and every other URL on the fake backend.
 */
export function codexThroughGateway(w: GatewayWorld, account: string, prompt: string): Promise<RunResult> {
  const launch = gatewayCodexLaunch({ url: w.gateway.url }, w.dir);
  const env = {
    ...codexEnv(accountDir(account, w.dir), { ...w.world.env, CAO_MAIN_CODEX_HOME: w.world.codexHome }),
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: w.backend.refreshUrl,
    ...launch.env,
  };
  return runProcess(codexBin, ["exec", "--skip-git-repo-check", ...launch.args, prompt], {
    env,
    cwd: path.dirname(w.dir),
    timeoutMs: 90_000,
  });
}

/** What a user would notice going wrong in codex's output. */
export function codexTrouble(result: RunResult): string | undefined {
  const text = `${result.stdout}\n${result.stderr}`;
  const match = /usage limit|401 Unauthorized|unauthorized|Reconnecting|log out and sign in again/i.exec(
    text,
  );
  return match?.[0];
}
