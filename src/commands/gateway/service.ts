import { defineCommand } from "citty";

// citty reads `--no-activate` as activate=false.
const activateArg = {
  activate: {
    type: "boolean",
    default: true,
    description: "Start/stop it with systemctl/launchctl (--no-activate: only write/remove the unit file)",
  },
} as const;

async function context() {
  const { hostServiceKind } = await import("../../gateway-setup/service.js");
  const { logFilePath } = await import("../../gateway-process/process-files.js");
  const { dataDir } = await import("../../core/paths.js");
  const os = await import("node:os");
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
    const { installService } = await import("../../gateway-setup/service.js");
    const { printOut } = await import("../../terminal/stdout.js");
    const result = installService(await context(), args.activate !== false);
    printOut(`installed ${result.file}`);
    printOut(result.activated ? "the gateway service is enabled and started" : (result.note ?? ""));
  },
});

const uninstall = defineCommand({
  meta: { name: "uninstall", description: "Stop the gateway service and remove its unit file" },
  args: activateArg,
  async run({ args }) {
    const { uninstallService } = await import("../../gateway-setup/service.js");
    const { printOut } = await import("../../terminal/stdout.js");
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
    const { serviceStatus } = await import("../../gateway-setup/service.js");
    const { printJson, printOut } = await import("../../terminal/stdout.js");
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
