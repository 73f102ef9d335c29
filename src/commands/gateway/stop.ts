import { defineCommand } from "citty";
import { CaoError } from "../../core/errors.js";
import { probeGateway } from "../../core/gateway-probe.js";
import { stopGateway } from "../../gateway-process/stop.js";
import { log } from "../../terminal/log.js";
import { printJson } from "../../terminal/stdout.js";

export default defineCommand({
  meta: { name: "stop", description: "Stop the running gateway" },
  args: {
    force: {
      type: "boolean",
      description: "Stop even when a login lives only in the gateway's memory (it is lost)",
    },
    json: { type: "boolean", description: "Print the result as JSON (shape in docs/reference.md)" },
  },
  async run({ args }) {
    if (!args.force) await refuseToLoseALogin();
    const pid = await stopGateway();
    await log.info(pid === undefined ? "the gateway is not running" : `stopped the gateway (pid ${pid})`);
    if (args.json) printJson({ stopped: pid !== undefined, pid: pid ?? null });
  },
});

/**
 * A login whose rotated tokens neither the data dir's disk nor any rescue
 * directory took exists only in the gateway's memory: stopping it would end
 * that login for good (the old refresh token on disk is dead).
 */
async function refuseToLoseALogin(): Promise<void> {
  const probe = await probeGateway();
  if (probe.kind !== "verified") return;
  const lost = probe.health.unsaved.filter((login) => !login.rescueFile);
  if (lost.length === 0) return;
  const names = lost.map((login) => login.account).join(", ");
  throw new CaoError(
    `the login of ${names} lives only in the gateway's memory (${lost[0]?.reason}); stopping now loses it`,
    undefined,
    "free some disk space and wait until `cao status` no longer says memory-only, or `cao gateway stop --force`",
  );
}
