import fs from "node:fs";
import { readLiveGatewayState } from "../../core/gateway-state.js";
import { dataDir } from "../../core/paths.js";
import { mainCodexConfigPath } from "../../gateway-setup/codex-config.js";
import { configBlockUrl } from "../../gateway-setup/codex-config-block.js";
import type { DoctorCheck } from "./types.js";

/**
 * `cao gateway enable --config` points the Desktop app and IDE extensions at
 * the gateway through the main config.toml. If that gateway is not running,
 * Codex there retries a closed port forever ("Reconnecting..."), and whoever
 * listens on that port instead gets the tokens: say which is the case.
 */
export const gatewayConfigCheck: DoctorCheck = async ({ env }) => {
  const file = mainCodexConfigPath(env);
  let url: string | undefined;
  try {
    url = configBlockUrl(fs.readFileSync(file, "utf8"), file);
  } catch {
    // No config, or one the user broke: nothing of ours to check (other checks report TOML errors).
    return [];
  }
  if (!url) return [];
  const live = readLiveGatewayState(dataDir(env));
  if (live?.url === url) {
    // Running and recorded: ask it to prove it is the user's gateway (a stranger cannot).
    const { probeGateway } = await import("../../core/gateway-probe.js");
    const probe = await probeGateway(dataDir(env));
    if (probe.kind === "verified") {
      return [
        {
          account: null,
          severity: "info",
          code: "gateway-config-route",
          message:
            `${file} points Codex (Desktop app, IDE extensions, plain codex) at ${url}, verified as your gateway now; ` +
            "while the gateway is stopped, whatever listens on that port would get your tokens (docs/security.md)",
        },
      ];
    }
    return [
      {
        account: null,
        severity: "error",
        code: "gateway-unverified",
        message:
          `${file} points Codex at ${url}, but what answers there is not proven to be your gateway ` +
          `(${probe.kind === "unverified" ? probe.reason : "not recorded"}); run \`cao gateway disable\` until it is restarted`,
      },
    ];
  }
  const running = live ? ` (the gateway runs at ${live.url})` : "";
  const taken = (await portTaken(url))
    ? "; ANOTHER PROCESS LISTENS ON THAT PORT and would receive your tokens"
    : "";
  return [
    {
      account: null,
      severity: taken ? "error" : "warning",
      code: "gateway-config-stale",
      message:
        `${file} points Codex (Desktop app, IDE extensions) at ${url} but no gateway is running there${running}${taken}; ` +
        "start it (`cao gateway start --detach` or `cao gateway service install`) or run `cao gateway disable`",
    },
  ];
};

/** Whether something accepts connections on the URL's port (connect only, nothing sent). */
async function portTaken(url: string): Promise<boolean> {
  const net = await import("node:net");
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port) || 80 });
    const done = (taken: boolean) => {
      socket.destroy();
      resolve(taken);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
