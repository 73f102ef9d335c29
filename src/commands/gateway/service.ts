import os from "node:os";
import { defineCommand } from "citty";
import { dataDir } from "../../core/paths.js";
import { logFilePath } from "../../gateway-process/process-files.js";
import {
  hostServiceKind,
  installService,
  serviceStatus,
  uninstallService,
} from "../../gateway-setup/service.js";
import { printJson, printOut } from "../../terminal/stdout.js";

// citty reads `--no-activate` as activate=false.
const activateArg = {
  activate: {
    type: "boolean",
    default: true,
    description: "Start/stop it with systemctl/launchctl (--no-activate: only write/remove the unit file)",
  },
} as const;

async function context() {
  return {
    kind: hostServiceKind(),
    home: os.homedir(),
    dataDir: dataDir(),
    logFile: logFilePath(),
    env: process.env,
  };
}

const install = defineCommand({
  meta: {
    name: "install",
    description: "Run the gateway as a user service (systemd or launchd), restarted on failure",
  },
  args: activateArg,
  async run({ args }) {
    const result = installService(await context(), args.activate !== false);
    printOut(`installed ${result.file}`);
    printOut(result.activated ? "the gateway service is enabled and started" : (result.note ?? ""));
  },
});

const uninstall = defineCommand({
  meta: { name: "uninstall", description: "Stop the gateway service and remove its unit file" },
  args: activateArg,
  async run({ args }) {
    const result = uninstallService(await context(), args.activate !== false);
    if (!result.removed) {
      printOut(`no gateway service installed (${result.file})`);
      return;
    }
    printOut(`removed ${result.file}`);
    if (result.note) printOut(result.note);
  },
});

const status = defineCommand({
  meta: { name: "status", description: "Whether the gateway service is installed and running" },
  args: { json: { type: "boolean", description: "Print the status as JSON" } },
  async run({ args }) {
    const status = serviceStatus(await context());
    if (args.json) {
      printJson(status);
      return;
    }
    if (!status.installed) {
      printOut(`not installed (${status.file}); install it with \`cao gateway service install\``);
      return;
    }
    printOut(`installed: ${status.file}`);
    printOut(`state: ${status.state ?? "unknown (no user service manager in this session)"}`);
  },
});

export default defineCommand({
  meta: {
    name: "service",
    description: "Run the gateway as a login service (systemd user unit, launchd agent)",
  },
  subCommands: { install, uninstall, status },
});
