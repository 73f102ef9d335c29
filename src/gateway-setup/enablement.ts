import fs from "node:fs";
import path from "node:path";
import { gatewayEnabledPath, writeGatewayRouting } from "../core/gateway-state.js";
import { readJsonFile, writeJsonFile } from "../core/json-file.js";
import { dataDir } from "../core/paths.js";
import { readStateLine } from "../core/state-files.js";
import {
  type ConfigChange,
  mainCodexConfigPath,
  removeCodexConfigRoute,
  writeCodexConfigRoute,
} from "./codex-config.js";
import { gatewayRouteUrl } from "./route-url.js";
import {
  defaultShimsDir,
  hostShimPlatform,
  installShims,
  removeShims,
  resolveShimsDir,
  shimPathProblem,
} from "./shims.js";

/**
 * What `cao gateway enable` set up, so `disable` undoes exactly that and a
 * second `enable` keeps it (`<data dir>/gateway-surfaces.json`; losing it only
 * means disable falls back to the default shims dir and the main config, and
 * enable to its defaults).
 */
interface SurfacesRecord {
  shimsDir?: string;
  configFile?: string;
  autostart?: boolean;
}

const recordPath = (dir: string): string => path.join(dir, "gateway-surfaces.json");

export interface EnableOptions {
  /** Undefined: where the last enable put them, else ~/.local/bin. */
  shimsDir?: string | undefined;
  /** Also route the Desktop app and IDE extensions (the main config.toml); undefined: as the last enable did. */
  config?: boolean | undefined;
  /** Undefined: as the last enable did, else off. */
  autostart?: boolean | undefined;
  env?: NodeJS.ProcessEnv;
}

/** An option a re-run took from the last enable because it was not given (listed only when not the default). */
export type KeptOption = "shims-dir" | "config" | "autostart";

export interface EnableReport {
  shims: string[];
  shimsDir: string;
  /** Why the shim would not be found first on PATH (how to fix it), if so. */
  pathProblem?: string;
  config?: ConfigChange;
  /** The config block `--no-config` took out again. */
  configRemoved?: ConfigChange;
  /** cao shims removed from the directory the last enable used, when --shims-dir moved them. */
  movedFrom?: string;
  autostart: boolean;
  kept: KeptOption[];
}

export function enableGateway(options: EnableOptions): EnableReport {
  const env = options.env ?? process.env;
  const dir = dataDir(env);
  const previous = fs.existsSync(recordPath(dir)) ? readRecord(dir) : undefined;
  const kept: KeptOption[] = [];
  const keep = <T>(option: KeptOption, given: T | undefined, earlier: T | undefined, fallback: T): T => {
    if (given !== undefined) return given;
    if (earlier === undefined || earlier === fallback) return fallback;
    kept.push(option);
    return earlier;
  };
  const shimsDir = keep(
    "shims-dir",
    options.shimsDir === undefined ? undefined : resolveShimsDir(options.shimsDir),
    previous?.shimsDir,
    resolveShimsDir(undefined),
  );
  const config = keep("config", options.config, previous?.configFile ? true : undefined, false);
  const autostart = keep("autostart", options.autostart, previous && wasAutostart(previous, dir), false);
  const shims = installShims({ dir: shimsDir, dataDir: dir, platform: hostShimPlatform() });
  const report: EnableReport = { shims, shimsDir, autostart, kept };
  if (previous?.shimsDir && previous.shimsDir !== shimsDir) {
    removeShims(previous.shimsDir);
    report.movedFrom = previous.shimsDir;
  }
  writeGatewayRouting({ enabled: true, autostart }, dir);
  const record: SurfacesRecord = { shimsDir, autostart };
  const problem = shimPathProblem(shimsDir, env.PATH);
  if (problem) report.pathProblem = problem;
  if (!config && previous?.configFile) {
    report.configRemoved = removeCodexConfigRoute(previous.configFile);
  }
  writeJsonFile(recordPath(dir), record, 0o644);
  if (config) {
    // Last, so a conflicting user key (reported by throwing) leaves the shims working.
    report.config = writeCodexConfigRoute(gatewayRouteUrl(), mainCodexConfigPath(env));
    record.configFile = report.config.file;
    writeJsonFile(recordPath(dir), record, 0o644);
  }
  return report;
}

/** Records from before autostart was recorded: `.state/gateway-enabled` says it. */
function wasAutostart(record: SurfacesRecord, dir: string): boolean {
  return record.autostart ?? readStateLine(gatewayEnabledPath(dir)) === "autostart";
}

export interface DisableReport {
  removed: string[];
  /** Files named like a shim that are not cao's, left alone. */
  kept: string[];
  config: ConfigChange;
}

export function disableGateway(options: {
  shimsDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}): DisableReport {
  const env = options.env ?? process.env;
  const dir = dataDir(env);
  const record = readRecord(dir);
  const shimsDir = resolveShimsDir(options.shimsDir, record.shimsDir ?? defaultShimsDir());
  const { removed, kept } = removeShims(shimsDir);
  const config = removeCodexConfigRoute(record.configFile ?? mainCodexConfigPath(env));
  writeGatewayRouting({ enabled: false, autostart: false }, dir);
  fs.rmSync(recordPath(dir), { force: true });
  return { removed, kept, config };
}

function readRecord(dir: string): SurfacesRecord {
  const result = readJsonFile(recordPath(dir));
  if (result.kind !== "ok" || !result.value || typeof result.value !== "object") return {};
  const value = result.value as Record<string, unknown>;
  return {
    ...(typeof value.shimsDir === "string" ? { shimsDir: value.shimsDir } : {}),
    ...(typeof value.configFile === "string" ? { configFile: value.configFile } : {}),
    ...(typeof value.autostart === "boolean" ? { autostart: value.autostart } : {}),
  };
}
