import { defineCommand } from "citty";
import { usageError } from "../../core/errors.js";
import { dataDir } from "../../core/paths.js";
import { resolveConfig, saveConfig, validateConfig } from "../../gateway/config.js";
import { startDetached } from "../../gateway-process/detach.js";
import { runGatewayForeground } from "../../gateway-process/foreground.js";
import { gatewayStatus } from "../../gateway-process/status-report.js";
import { log } from "../../terminal/log.js";
import { printJson } from "../../terminal/stdout.js";

export default defineCommand({
  meta: { name: "start", description: "Start the local gateway (foreground, or --detach)" },
  args: {
    detach: { type: "boolean", description: "Run in the background (pid file, log file, state file)" },
    bind: { type: "string", description: "Address to listen on (default 127.0.0.1)" },
    port: { type: "string", description: "Port to listen on (default 4319; 0 picks a free one)" },
    "base-url": { type: "string", description: "Upstream (default https://chatgpt.com/backend-api/codex)" },
    "allow-remote": { type: "boolean", description: "Allow a non-loopback --bind (exposes your accounts)" },
    "cooldown-seconds": {
      type: "string",
      description: "Cooldown after a usage limit without reset time (900)",
    },
    "max-retry-passes": { type: "string", description: "Passes over the accounts per request (1)" },
    "timeout-ms": { type: "string", description: "Wait for upstream response headers (120000)" },
    "upstream-retries": { type: "string", description: "Retries on upstream 5xx/network errors (2)" },
    "upstream-retry-base-ms": { type: "string", description: "First retry delay, doubling (200)" },
    "upstream-retry-max-ms": { type: "string", description: "Longest retry delay (2000)" },
    "upstream-retry-jitter-ms": { type: "string", description: "Random extra delay (120)" },
    "primary-threshold": {
      type: "string",
      description: "Move sessions off at this 5-hour used percent (95)",
    },
    "secondary-threshold": {
      type: "string",
      description: "Move sessions off at this weekly used percent (98)",
    },
    "refresh-before-seconds": { type: "string", description: "Refresh tokens this long before expiry (600)" },
    "usage-check-seconds": {
      type: "string",
      description: "Re-check a cooling account at most this often (60)",
    },
    "passthrough-auth": {
      type: "boolean",
      description: "Forward the caller's own credentials (no switching)",
    },
    backend: {
      type: "boolean",
      default: true,
      description:
        "Serve Codex's own backend calls over HTTPS, so its quota view follows the pool (--no-backend: off)",
    },
    "backend-port": { type: "string", description: "Port of that HTTPS side on 127.0.0.1 (default 4320)" },
    save: { type: "boolean", description: "Remember these settings in <data dir>/gateway.json" },
    json: { type: "boolean", description: "With --detach: print `cao gateway status --json` once it runs" },
  },
  async run({ args }) {
    const dir = dataDir();
    const flags = validateConfig(
      {
        bind: args.bind,
        port: args.port,
        baseUrl: args["base-url"],
        allowRemote: args["allow-remote"],
        cooldownSeconds: args["cooldown-seconds"],
        maxRetryPasses: args["max-retry-passes"],
        timeoutMs: args["timeout-ms"],
        upstreamRetries: args["upstream-retries"],
        upstreamRetryBaseMs: args["upstream-retry-base-ms"],
        upstreamRetryMaxMs: args["upstream-retry-max-ms"],
        upstreamRetryJitterMs: args["upstream-retry-jitter-ms"],
        primaryThreshold: args["primary-threshold"],
        secondaryThreshold: args["secondary-threshold"],
        refreshBeforeSeconds: args["refresh-before-seconds"],
        usageCheckSeconds: args["usage-check-seconds"],
        passthroughAuth: args["passthrough-auth"],
        // Only an explicit --no-backend counts as a flag; the default leaves gateway.json's choice.
        backend: args.backend === false ? false : undefined,
        backendPort: args["backend-port"],
      },
      "flags",
    );
    if (args.json && !args.detach)
      throw usageError("--json goes with --detach (a foreground gateway keeps running)");
    const config = resolveConfig(flags, dir);
    if (args.save) await log.info(`saved the gateway settings to ${saveConfig(config, dir)}`);
    if (args.detach) {
      const state = await startDetached(config, dir);
      await log.success(
        `gateway running (pid ${state.pid}) at ${state.url}; new sessions start on ${state.account}`,
      );
      if (args.json) {
        printJson(gatewayStatus(dir));
      }
      return;
    }
    await runGatewayForeground(config, dir);
  },
});
