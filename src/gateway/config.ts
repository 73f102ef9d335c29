import path from "node:path";
import { CaoError, usageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { readJsonFile, writeJsonFile } from "../core/json-file.js";
import { dataDir } from "../core/paths.js";
import { DEFAULT_THRESHOLDS } from "../core/pool-policy.js";

/**
 * The gateway's settings, in one place: defaults < `<data dir>/gateway.json`
 * (written by `cao gateway start --save`) < command-line flags.
 */
export interface GatewayConfig {
  bind: string;
  port: number;
  /** Upstream Responses API base; `/v1/X` is forwarded to `<baseUrl>/X`. */
  baseUrl: string;
  allowRemote: boolean;
  /** Cooldown when a usage limit carries no `resets_at`. */
  cooldownSeconds: number;
  /** How many times one request may walk the whole account list before giving up. */
  maxRetryPasses: number;
  /** Time allowed for upstream response headers (streams themselves have no timeout). */
  timeoutMs: number;
  upstreamRetries: number;
  upstreamRetryBaseMs: number;
  upstreamRetryMaxMs: number;
  upstreamRetryJitterMs: number;
  /** Forward the caller's own credentials instead of the routed account's (troubleshooting). */
  passthroughAuth: boolean;
  /** Move a session off an account at these used percentages (5-hour, weekly). */
  primaryThreshold: number;
  secondaryThreshold: number;
  /** Refresh an access token this long before it expires. */
  refreshBeforeSeconds: number;
  /** Minimum time between two `/wham/usage` checks of one cooling account. */
  usageCheckSeconds: number;
  /** Serve Codex's own backend calls over HTTPS on loopback (`chatgpt_base_url`, backend-relay.ts). */
  backend: boolean;
  /** Port of that HTTPS side (0: any free one); always on 127.0.0.1. */
  backendPort: number;
}

export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = {
  bind: "127.0.0.1",
  port: 4319,
  baseUrl: "https://chatgpt.com/backend-api/codex",
  allowRemote: false,
  cooldownSeconds: 900,
  maxRetryPasses: 1,
  timeoutMs: 120_000,
  upstreamRetries: 2,
  upstreamRetryBaseMs: 200,
  upstreamRetryMaxMs: 2000,
  upstreamRetryJitterMs: 120,
  passthroughAuth: false,
  primaryThreshold: DEFAULT_THRESHOLDS.primary,
  secondaryThreshold: DEFAULT_THRESHOLDS.secondary,
  refreshBeforeSeconds: 600,
  usageCheckSeconds: 60,
  backend: true,
  backendPort: 4320,
};

type NumberKey = {
  [K in keyof GatewayConfig]: GatewayConfig[K] extends number ? K : never;
}[keyof GatewayConfig];

/** Lower bounds of the numeric settings (ports and percentages also have upper ones). */
const NUMBER_RANGES: Record<NumberKey, [number, number]> = {
  port: [0, 65_535],
  cooldownSeconds: [0, 31 * 86_400],
  maxRetryPasses: [1, 10],
  timeoutMs: [100, 3_600_000],
  upstreamRetries: [0, 10],
  upstreamRetryBaseMs: [0, 60_000],
  upstreamRetryMaxMs: [0, 600_000],
  upstreamRetryJitterMs: [0, 60_000],
  primaryThreshold: [1, 100],
  secondaryThreshold: [1, 100],
  refreshBeforeSeconds: [0, 86_400],
  usageCheckSeconds: [1, 86_400],
  backendPort: [0, 65_535],
};

export const gatewayConfigPath = (dir = dataDir()): string => path.join(dir, "gateway.json");

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Checks and normalizes a (partial) config from a file or flags; `origin` names it in errors. */
export function validateConfig(input: Record<string, unknown>, origin: string): Partial<GatewayConfig> {
  const out: Partial<GatewayConfig> = {};
  const bad = (key: string, what: string) =>
    origin === "flags" ? usageError(`--${kebab(key)} ${what}`) : dataError(origin, `"${key}" ${what}`);
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key in NUMBER_RANGES) {
      const [min, max] = NUMBER_RANGES[key as NumberKey];
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
        throw bad(key, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
      }
      out[key as NumberKey] = n;
    } else if (key === "allowRemote" || key === "passthroughAuth" || key === "backend") {
      if (typeof value !== "boolean") throw bad(key, "must be true or false");
      out[key] = value;
    } else if (key === "bind") {
      if (typeof value !== "string" || !value.trim()) throw bad(key, "must be a host address");
      out.bind = value.trim();
    } else if (key === "baseUrl") {
      out.baseUrl = normalizeBaseUrl(value, () => bad(key, "must be an http(s) URL"));
    } else if (origin !== "flags") {
      // Unknown keys in the file (a newer version's) are ignored, not fatal.
    } else {
      throw usageError(`unknown gateway setting ${key}`);
    }
  }
  return out;
}

function normalizeBaseUrl(value: unknown, fail: () => Error): string {
  if (typeof value !== "string") throw fail();
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw fail();
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) throw fail();
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "");
}

function dataError(file: string, what: string): CaoError {
  return new CaoError(`${file}: ${what}; the file was left untouched`, ExitCode.data, "fix it or remove it");
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function loadSavedConfig(dir = dataDir()): Partial<GatewayConfig> {
  const file = gatewayConfigPath(dir);
  const result = readJsonFile(file);
  if (result.kind === "missing") return {};
  if (result.kind === "corrupt") {
    throw dataError(file, `is not valid JSON (kept a copy at ${result.backupPath})`);
  }
  if (!result.value || typeof result.value !== "object" || Array.isArray(result.value)) {
    throw dataError(file, "expected a JSON object");
  }
  return validateConfig(result.value as Record<string, unknown>, file);
}

/** Resolves the effective config and refuses an exposed bind nobody asked for. */
export function resolveConfig(flags: Partial<GatewayConfig>, dir = dataDir()): GatewayConfig {
  const config: GatewayConfig = { ...DEFAULT_GATEWAY_CONFIG, ...loadSavedConfig(dir), ...flags };
  if (!isLoopbackHost(config.bind) && !config.allowRemote) {
    throw usageError(
      `refusing to listen on ${config.bind}: the gateway serves your accounts to whoever can reach it`,
      "bind a loopback address (127.0.0.1), or pass --allow-remote if you really mean it",
    );
  }
  return config;
}

/** `--save`: persists every setting that differs from the defaults. */
export function saveConfig(config: GatewayConfig, dir = dataDir()): string {
  const file = gatewayConfigPath(dir);
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (DEFAULT_GATEWAY_CONFIG[key as keyof GatewayConfig] !== value) changed[key] = value;
  }
  writeJsonFile(file, changed, 0o600);
  return file;
}

/** Codex's `chatgpt_base_url` on the gateway's HTTPS side. */
export function backendUrl(port: number): string {
  return `https://127.0.0.1:${port}/backend-api/`;
}

/** The URL codex is pointed at (Route A in docs/codex-notes.md, "Pointing Codex at a local gateway": `-c openai_base_url=<this>`). */
export function codexUrl(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${port}/v1`;
}
