import fs from "node:fs";
import path from "node:path";
import { after } from "node:test";
import zlib from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import { request } from "undici";
import { loadBackendTls } from "../../src/core/backend-tls.js";
import { authPath } from "../../src/core/paths.js";
import { startFakeBackend } from "../../src/demo/fake-backend/server.js";
import type { FakeAccountSpec, FakeBackend, FakeBackendOptions } from "../../src/demo/fake-backend/types.js";
import { registerFakeAccounts, writeSandboxCodexConfig } from "../../src/demo/sandbox.js";
import { DEFAULT_GATEWAY_CONFIG, type GatewayConfig } from "../../src/gateway/config.js";
import { type Gateway, startGateway } from "../../src/gateway/server.js";
import { waitUntil } from "./deadline.js";
import { tempWorld } from "./temp.js";

/** A fake account plus the cao account name it is registered under. */
export type NamedAccount = FakeAccountSpec & { name: string; accessTtlSeconds?: number };

export interface GatewayWorld {
  backend: FakeBackend;
  gateway: Gateway;
  dir: string;
  world: ReturnType<typeof tempWorld>;
  logs: string[];
  /** The account's current access token (what a codex started in its home would send). */
  token(name: string): string;
  /** POST /v1/responses through the gateway as a caller holding `name`'s token. */
  post(
    name: string,
    options?: { session?: string; body?: string; headers?: Record<string, string> },
  ): Promise<Answer>;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * A fake backend, a temp cao data dir whose accounts are logged in to it, and
 * an in-process gateway in front of it. Everything is closed after the file.
 */
export async function gatewayWorld(
  accounts: NamedAccount[],
  options: {
    config?: Partial<GatewayConfig>;
    backend?: Partial<FakeBackendOptions>;
    /** Another upstream than the fake backend's model API (a probe server). */
    upstream?: string;
    /** Token endpoint instead of the fake backend's (e.g. one that is down). */
    refreshUrl?: string;
    /** Runs on the (not yet created) data dir before anything is written to it (to mount a tiny disk, ...). */
    prepareDataDir?: (dir: string) => void;
    /** Runs on the data dir before the gateway starts (to break a file, ...). */
    beforeStart?: (dir: string) => void;
    /** Serve the HTTPS side for Codex's own backend calls (a per-install certificate in the data dir). */
    backendTls?: boolean;
  } = {},
): Promise<GatewayWorld> {
  const world = tempWorld();
  options.prepareDataDir?.(world.dataDir);
  const backend = await startFakeBackend({
    ...options.backend,
    accounts: accounts.map(({ name: _name, accessTtlSeconds: _ttl, ...spec }) => spec),
  });
  after(() => backend.close());
  process.env.CAO_MAIN_CODEX_HOME = world.codexHome;
  process.env.CAO_RESCUE_DIR = world.rescueDir;
  writeSandboxCodexConfig(backend, world.codexHome);
  registerFakeAccounts(
    backend,
    world.dataDir,
    accounts.map(({ name, accountId, accessTtlSeconds }) => ({
      name,
      accountId,
      ...(accessTtlSeconds !== undefined && { accessTtlSeconds }),
    })),
  );
  options.beforeStart?.(world.dataDir);
  const logs: string[] = [];
  const gateway = await startGateway({
    config: {
      ...DEFAULT_GATEWAY_CONFIG,
      port: 0,
      backendPort: 0,
      baseUrl: options.upstream ?? backend.upstreamBaseUrl,
      upstreamRetryBaseMs: 5,
      upstreamRetryMaxMs: 20,
      upstreamRetryJitterMs: 5,
      ...options.config,
    },
    dir: world.dataDir,
    log: (line) => logs.push(line),
    publishState: true,
    refreshUrl: options.refreshUrl ?? backend.refreshUrl,
    ...(options.backendTls && { backendTls: loadBackendTls(world.dataDir) }),
  });
  after(() => gateway.close());
  const token = (name: string) =>
    (
      JSON.parse(fs.readFileSync(authPath(name, world.dataDir), "utf8")) as {
        tokens: { access_token: string };
      }
    ).tokens.access_token;
  return {
    backend,
    gateway,
    dir: world.dataDir,
    world,
    logs,
    token,
    post: (name, postOptions = {}) =>
      send(
        `${gateway.url}/responses`,
        token(name),
        postOptions.session,
        postOptions.body,
        postOptions.headers,
      ),
  };
}

export async function send(
  url: string,
  bearer: string | undefined,
  session = "session-1",
  body = JSON.stringify({ model: "gpt-5", stream: true, input: [userMessage("hello")] }),
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "session-id": session,
      // As Codex 0.171 asks: the fake backend then compresses, so every body the gateway reads is encoded.
      "accept-encoding": CODEX_ACCEPT_ENCODING,
      ...(bearer && { authorization: `Bearer ${bearer}` }),
      ...headers,
    },
    body,
  });
  const raw = Buffer.from(await response.body.arrayBuffer());
  return {
    status: response.statusCode,
    headers: response.headers,
    text: decodeAsClient(raw, response.headers["content-encoding"]).toString("utf8"),
  };
}

/** What Codex 0.171 sends on every HTTP request. */
export const CODEX_ACCEPT_ENCODING = "zstd,gzip";

/**
 * A body decoded the way a client reads it, from its own headers (an
 * independent check of what the gateway forwards: a body that does not match
 * its content-encoding throws here).
 */
export function decodeAsClient(raw: Buffer, encoding: string | string[] | undefined): Buffer {
  if (encoding === undefined || encoding === "identity") return raw;
  if (encoding === "gzip") return zlib.gunzipSync(raw);
  if (encoding === "br") return zlib.brotliDecompressSync(raw);
  if (encoding === "zstd") return Buffer.from(zstdDecompress(raw));
  throw new Error(`test client: unexpected content-encoding ${String(encoding)}`);
}

export function userMessage(text: string): Record<string, unknown> {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/** Model requests the backend saw, as `name:status` using the registered names. */
export function modelTrail(world: GatewayWorld, accounts: NamedAccount[]): string[] {
  const nameOf = (id: string | undefined) => accounts.find((a) => a.accountId === id)?.name ?? String(id);
  return world.backend.requests
    .filter((r) => r.method === "POST" && r.path.endsWith("/responses"))
    .map((r) => `${nameOf(r.accountId)}:${r.status}`);
}

export function readStatuses(dir: string): Record<string, Record<string, unknown>> {
  const file = path.join(dir, "account_status.json");
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")).statuses : {};
}

/**
 * Polls until `check` passes (a scaled deadline), for effects the gateway applies a moment later;
 * on failure the message shows the condition and `describe()` (the values it looked at).
 */
export async function eventually(check: () => boolean, describe: () => string = () => ""): Promise<void> {
  await waitUntil(check, { describe: () => `${check} ${describe()}`.trim() });
}

/** `cao gateway start --detach` on free ports (model traffic and the HTTPS side) against `upstream`. */
export function detachedStartArgs(upstream: string, ...extra: string[]): string[] {
  return [
    "gateway",
    "start",
    "--detach",
    "--port",
    "0",
    "--backend-port",
    "0",
    "--base-url",
    upstream,
    ...extra,
  ];
}
