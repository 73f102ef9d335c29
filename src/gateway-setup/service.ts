import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { CaoError } from "../core/errors.js";
import { systemdQuote, xmlEscape } from "../core/quoting.js";
import { renderTemplate } from "../core/template.js";
import { GATEWAY_NODE_FLAGS } from "../gateway-process/detach.js";
import { caoCommandArgs } from "./cao-command.js";

/**
 * `cao gateway service`: the gateway as a user service that starts at login
 * and restarts on failure. A systemd user unit on Linux, a launchd agent on
 * macOS; both run `cao gateway start` in the foreground and append its output
 * to the log file `cao gateway logs` reads.
 */
export type ServiceKind = "systemd" | "launchd";

export const SYSTEMD_UNIT = "cao-gateway.service";
export const LAUNCHD_LABEL = "com.codex-account-orchestrator.gateway";
/** Every rendered unit carries this word in its first comment, so uninstall only removes ours. */
const SERVICE_MARKER = "cao-gateway:";

export function hostServiceKind(platform = process.platform): ServiceKind {
  if (platform === "linux") return "systemd";
  if (platform === "darwin") return "launchd";
  throw new CaoError(`cao gateway service supports Linux (systemd) and macOS (launchd), not ${platform}`);
}

export interface ServiceContext {
  kind: ServiceKind;
  home: string;
  dataDir: string;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** The cao command the service runs; default: this Node and CLI. */
  caoCommand?: string[];
}

export function serviceFilePath(context: ServiceContext): string {
  if (context.kind === "launchd") {
    return path.join(context.home, "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
  }
  const xdg = context.env?.XDG_CONFIG_HOME?.trim();
  return path.join(xdg || path.join(context.home, ".config"), "systemd", "user", SYSTEMD_UNIT);
}

export function renderService(context: ServiceContext): string {
  // The service runs the gateway in the foreground, so it gets the memory flags
  // a detached start would pass (see GATEWAY_NODE_FLAGS) on its own Node.
  const [node = process.execPath, ...cli] = context.caoCommand ?? caoCommandArgs();
  const command = [node, ...GATEWAY_NODE_FLAGS, ...cli, "gateway", "start"];
  if (context.kind === "launchd") {
    return renderTemplate("cao-gateway.plist", {
      CAO_LABEL: LAUNCHD_LABEL,
      CAO_PROGRAM_ARGUMENTS: command.map((arg) => `    <string>${xmlEscape(arg)}</string>`).join("\n"),
      CAO_DATA_DIR: xmlEscape(context.dataDir),
      CAO_LOG_FILE: xmlEscape(context.logFile),
    });
  }
  // `append:` takes a path, not a quoted word; systemd rejects a relative or odd one at load time.
  return renderTemplate("cao-gateway.service", {
    // Inside Environment="..." only quotes, backslashes and specifiers (%) need escaping.
    CAO_DATA_DIR: context.dataDir.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("%", "%%"),
    CAO_EXEC_START: command.map(systemdQuote).join(" "),
    CAO_LOG_FILE: context.logFile,
  });
}

export interface ServiceResult {
  file: string;
  /** True when systemctl/launchctl was run; otherwise `note` says why not. */
  activated: boolean;
  note?: string;
}

export function installService(context: ServiceContext, activate: boolean): ServiceResult {
  const file = serviceFilePath(context);
  if (fs.existsSync(file) && !isOurs(file)) {
    throw new CaoError(`${file} exists and was not written by cao; left it as it is`);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.mkdirSync(path.dirname(context.logFile), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, renderService(context), { mode: 0o644 });
  const manager = activate ? serviceManager(context.kind) : undefined;
  if (!manager) return { file, activated: false, note: notActivatedNote(context.kind, activate, "install") };
  if (context.kind === "systemd") {
    manager.run(["daemon-reload"]);
    manager.run(["enable", "--now", SYSTEMD_UNIT]);
  } else {
    manager.run(["bootstrap", launchdDomain(), file]);
  }
  return { file, activated: true };
}

export function uninstallService(
  context: ServiceContext,
  activate: boolean,
): ServiceResult & { removed: boolean } {
  const file = serviceFilePath(context);
  if (!fs.existsSync(file)) return { file, activated: false, removed: false };
  if (!isOurs(file)) throw new CaoError(`${file} was not written by cao; left it as it is`);
  const manager = activate ? serviceManager(context.kind) : undefined;
  if (manager) {
    // Stopping a service that is not loaded fails; that is fine on the way out.
    if (context.kind === "systemd") manager.run(["disable", "--now", SYSTEMD_UNIT], { allowFailure: true });
    else manager.run(["bootout", `${launchdDomain()}/${LAUNCHD_LABEL}`], { allowFailure: true });
  }
  fs.rmSync(file);
  if (manager && context.kind === "systemd") manager.run(["daemon-reload"], { allowFailure: true });
  return {
    file,
    removed: true,
    activated: Boolean(manager),
    ...(manager ? {} : { note: notActivatedNote(context.kind, activate, "uninstall") }),
  };
}

export interface ServiceStatus {
  kind: ServiceKind;
  file: string;
  installed: boolean;
  /** What the service manager says (`active`, `inactive`, `failed`, ...), when it can be asked. */
  state?: string;
}

export function serviceStatus(context: ServiceContext): ServiceStatus {
  const file = serviceFilePath(context);
  const installed = fs.existsSync(file) && isOurs(file);
  const manager = installed ? serviceManager(context.kind) : undefined;
  const status: ServiceStatus = { kind: context.kind, file, installed };
  if (manager) {
    status.state =
      context.kind === "systemd"
        ? manager.run(["is-active", SYSTEMD_UNIT], { allowFailure: true }).trim() || "unknown"
        : manager
            .run(["print", `${launchdDomain()}/${LAUNCHD_LABEL}`], { allowFailure: true })
            .match(/\bstate = (\S+)/)?.[1] || "not loaded";
  }
  return status;
}

function isOurs(file: string): boolean {
  return fs.readFileSync(file, "utf8").slice(0, 512).includes(SERVICE_MARKER);
}

interface ServiceManager {
  run(args: string[], options?: { allowFailure?: boolean }): string;
}

/** systemctl --user / launchctl, or undefined when this session has none (containers, SSH without a user bus). */
function serviceManager(kind: ServiceKind): ServiceManager | undefined {
  const [command, prefix] = kind === "systemd" ? ["systemctl", ["--user"]] : ["launchctl", []];
  const probe = kind === "systemd" ? ["show-environment"] : ["print", launchdDomain()];
  const run = (args: string[], options: { allowFailure?: boolean } = {}): string => {
    const result = spawnSync(command, [...prefix, ...args], { encoding: "utf8" });
    if (!options.allowFailure && (result.error || result.status !== 0)) {
      const detail = (result.stderr || result.error?.message || "").trim().split("\n")[0];
      throw new CaoError(`${command} ${[...prefix, ...args].join(" ")} failed: ${detail}`);
    }
    return result.stdout ?? "";
  };
  const probed = spawnSync(command, [...prefix, ...probe], { encoding: "utf8" });
  return probed.error || probed.status !== 0 ? undefined : { run };
}

function notActivatedNote(kind: ServiceKind, activate: boolean, action: "install" | "uninstall"): string {
  const how =
    kind === "systemd"
      ? action === "install"
        ? `systemctl --user daemon-reload && systemctl --user enable --now ${SYSTEMD_UNIT}`
        : `systemctl --user disable --now ${SYSTEMD_UNIT}`
      : action === "install"
        ? `launchctl bootstrap gui/$(id -u) ~/Library/LaunchAgents/${LAUNCHD_LABEL}.plist`
        : `launchctl bootout gui/$(id -u)/${LAUNCHD_LABEL}`;
  const why =
    activate === false
      ? "--no-activate was given"
      : kind === "systemd"
        ? "systemctl --user is not available in this session (no user service manager)"
        : "launchctl cannot reach the user's GUI domain";
  return `not ${action === "install" ? "started" : "stopped"}: ${why}; run \`${how}\` yourself`;
}

const launchdDomain = (): string => `gui/${os.userInfo().uid}`;
