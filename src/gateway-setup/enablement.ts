import fs from "node:fs";
import path from "node:path";
import { writeGatewayRouting } from "../core/gateway-state.js";
import { readJsonFile, writeJsonFile } from "../core/json-file.js";
import { dataDir } from "../core/paths.js";
import {
  type ConfigChange,
  mainCodexConfigPath,
  removeCodexConfigRoute,
  writeCodexConfigRoute,
} from "./codex-config.js";
import {
  defaultShimsDir,
  hostShimPlatform,
  installShims,
  removeShims,
  resolveShimsDir,
  shimPathProblem,
} from "./shims.js";

/**
 * What `cao gateway enable` set up, so `disable` undoes exactly that
 * (`<data dir>/gateway-surfaces.json`; losing it only means disable falls back
 * to the default shims dir and the main config).
 */
interface SurfacesRecord {
  shimsDir?: string;
  configFile?: string;
}

const recordPath = (dir: string): string => path.join(dir, "gateway-surfaces.json");

export interface EnableOptions {
  shimsDir?: string | undefined;
  /** Also route the Desktop app and IDE extensions: the URL to write into the main config.toml. */
  configUrl?: string | undefined;
  autostart: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface EnableReport {
  shims: string[];
  shimsDir: string;
  /** Why the shim would not be found first on PATH (how to fix it), if so. */
  pathProblem?: string;
  config?: ConfigChange;
  autostart: boolean;
}

export function enableGateway(options: EnableOptions): EnableReport {
  const env = options.env ?? process.env;
  const dir = dataDir(env);
  const shimsDir = resolveShimsDir(options.shimsDir);
  const shims = installShims({ dir: shimsDir, dataDir: dir, platform: hostShimPlatform() });
  writeGatewayRouting({ enabled: true, autostart: options.autostart }, dir);
  const record: SurfacesRecord = { shimsDir };
  const report: EnableReport = { shims, shimsDir, autostart: options.autostart };
  const problem = shimPathProblem(shimsDir, env.PATH);
  if (problem) report.pathProblem = problem;
  writeJsonFile(recordPath(dir), record, 0o644);
  if (options.configUrl) {
    // Last, so a conflicting user key (reported by throwing) leaves the shims working.
    report.config = writeCodexConfigRoute(options.configUrl, mainCodexConfigPath(env));
    record.configFile = report.config.file;
    writeJsonFile(recordPath(dir), record, 0o644);
  }
  return report;
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
  };
}
