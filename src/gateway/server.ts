import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { loadStatuses } from "../core/account-status.js";
import type { BackendTls } from "../core/backend-tls.js";
import { notifyDesktop } from "../core/desktop-notify.js";
import { CaoError, errnoCode } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { createGatewayKey, HEALTH_PATH } from "../core/gateway-identity.js";
import { readGatewayState, removeGatewayState, writeGatewayState } from "../core/gateway-state.js";
import { loadRegistry } from "../core/registry.js";
import { SettingsWatcher } from "../core/settings.js";
import { BackendRelay } from "./backend-relay.js";
import { backendUrl, codexUrl, type GatewayConfig } from "./config.js";
import {
  guardConnections,
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
} from "./connection-guard.js";
import type { GatewayContext } from "./context.js";
import { DEFAULT_REFRESH_URL, TokenManager } from "./credentials.js";
import { serveHealth } from "./health.js";
import { PoolNotifier } from "./notifications.js";
import { handleHttp, sendJson } from "./proxy.js";
import { Router } from "./router.js";
import { SessionWriter } from "./session-writer.js";
import { StatusWriter } from "./status-writer.js";
import { StrangerLog } from "./stranger-log.js";
import { closeUpgradedSockets, handleUpgrade } from "./upgrade.js";
import { createUpstreamAgent, jsonPoster } from "./upstream.js";
import { UsageChecker } from "./usage-check.js";
import { WorkspaceDirectory } from "./workspaces.js";

export interface GatewayOptions {
  config: GatewayConfig;
  /** The cao data dir whose accounts are served. */
  dir: string;
  log(line: string): void;
  /** Publish `.state/gateway` (the running gateway as shells and `cao run` see it). */
  publishState?: boolean;
  /** Only these accounts (default: every account in the registry). */
  accounts?: string[];
  /** Shows a notification (default: the desktop's notifier; tests pass their own or use PATH). */
  notify?(title: string, body: string): void;
  /** Token endpoint (default: $CODEX_REFRESH_TOKEN_URL_OVERRIDE, else auth.openai.com, as Codex does). */
  refreshUrl?: string;
  /** Certificate of the HTTPS side for Codex's own backend calls (none: no such side, see `config.backend`). */
  backendTls?: BackendTls;
}

export interface Gateway {
  /** What codex is pointed at: `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly port: number;
  /** Codex's `chatgpt_base_url` on the HTTPS side, when it runs. */
  readonly backendUrl: string | undefined;
  readonly context: GatewayContext;
  close(): Promise<void>;
}

/** How often tokens near expiry are refreshed and cooling accounts re-checked in the background. */
const MAINTENANCE_MS = 30_000;

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, dir } = options;
  const names = options.accounts ?? loadRegistry(dir).accounts;
  if (names.length === 0) {
    throw new CaoError(
      "the gateway has no accounts to route to",
      ExitCode.failure,
      "add one with `cao add NAME`",
    );
  }
  const log = options.log;
  const base = new URL(config.baseUrl);
  const agent = createUpstreamAgent(config.timeoutMs);
  const writer = new StatusWriter(dir, 1000, log);
  const sessionLog = new SessionWriter(dir, 1000, log);
  let router: Router | undefined;
  let notifier: PoolNotifier | undefined;
  // `cao pause`, `cao config set` reach a running gateway at its next pick (a stat, no polling thread).
  const settings = new SettingsWatcher(dir, (message) => {
    log(message);
    queueMicrotask(() => router?.accountsChanged());
  });
  const tokens = new TokenManager(names, {
    dir,
    refreshBeforeMs: config.refreshBeforeSeconds * 1000,
    refreshUrl:
      options.refreshUrl ?? (process.env.CODEX_REFRESH_TOKEN_URL_OVERRIDE?.trim() || DEFAULT_REFRESH_URL),
    post: jsonPoster(agent, config.timeoutMs),
    events: {
      refreshed(account) {
        log(`refreshed the token of ${account}`);
        notifier?.loginRestored(account);
        writer.queue(account, (s) => {
          const { authProblem: _dropped, ...rest } = s;
          return rest;
        });
      },
      refreshFailed(account, reason) {
        log(`${account}: ${reason}`);
        writer.queue(account, (s) => ({ ...s, lastError: reason }));
      },
      problem(account, problem, deadLogin) {
        log(`${account} cannot be used: ${problem}`);
        writer.queue(account, (s) => ({
          ...s,
          lastError: problem,
          ...(deadLogin && { authProblem: problem }),
        }));
        if (deadLogin) notifier?.deadLogin(account, problem);
        router?.accountsChanged();
      },
      unsaved(account, reason) {
        log(
          `WARNING: the login of ${account} now lives only in the gateway's memory: ${reason}. ` +
            "The gateway keeps retrying; free some disk space and do not stop the gateway until it says saved",
        );
      },
      rescued(account, file) {
        log(
          file
            ? `the login of ${account} is also kept in a rescue copy at ${file}; a stopped or killed gateway restores it at its next start`
            : `WARNING: no rescue copy of the login of ${account} could be written either: stopping the gateway now loses it`,
        );
      },
      restored(account, file) {
        log(`the login of ${account} was taken back from the rescue copy at ${file}`);
      },
      saved(account, how) {
        log(`the login of ${account} is saved to disk again (${how})`);
      },
    },
  });
  let url = "";
  let backend: string | undefined;
  const publish = (account: string | undefined) => {
    if (!options.publishState || !url) return;
    try {
      writeGatewayState({ pid: process.pid, url, account: account ?? names[0]!, backendUrl: backend }, dir);
    } catch (error) {
      // Runs on the request path: a full disk must not fail the request that changed the choice.
      log(`could not update the gateway state file: ${error instanceof Error ? error.message : error}`);
    }
  };
  router = new Router(
    names,
    {
      primaryThreshold: config.primaryThreshold,
      secondaryThreshold: config.secondaryThreshold,
      cooldownMs: config.cooldownSeconds * 1000,
      problem: (account) => tokens.problem(account),
      settings: () => settings.get(),
      onStateChange: () => notifier?.poke(),
      onMove: (session, from, to, reason) => sessionLog.moved(session, from, to, reason),
      onServe: (account, served) => {
        if (served.session !== undefined)
          sessionLog.served(served.session, account, served.turn, served.transport);
      },
      onPreferredChange: (account) => {
        log(`new sessions now start on ${account ?? "(no account available)"}`);
        publish(account);
      },
    },
    loadStatuses(dir),
    writer,
  );
  const routed = router;
  notifier = new PoolNotifier({
    accounts: names,
    settings: () => settings.get(),
    limits: (account) => routed.rateLimitsOf(account),
    cooldownUntil: (account) => routed.cooldownUntil(account),
    problem: (account) => tokens.problem(account),
    send: (title, body) => options.notify?.(title, body) ?? notifyDesktop(title, body),
    log,
  });
  const usage = new UsageChecker({
    agent,
    origin: base.origin,
    router,
    tokens,
    intervalMs: config.usageCheckSeconds * 1000,
    timeoutMs: Math.min(config.timeoutMs, 15_000),
    log,
  });
  const workspaces = new WorkspaceDirectory({
    agent,
    origin: base.origin,
    timeoutMs: Math.min(config.timeoutMs, 15_000),
    log,
  });
  const context: GatewayContext = {
    config,
    router,
    tokens,
    usage,
    workspaces,
    notifier,
    agent,
    upstream: { origin: base.origin, basePath: base.pathname.replace(/\/+$/, "") },
    log,
    strangers: new StrangerLog(log),
  };

  let key: string | undefined;
  if (options.publishState) {
    try {
      key = createGatewayKey(dir);
    } catch (error) {
      log(`could not write the gateway key; status cannot verify this gateway: ${describeError(error)}`);
    }
  }
  const server = http.createServer({
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // How often those timeouts are checked (Node's default, 30 s, would let a slow socket live 45 s).
    connectionsCheckingInterval: 5_000,
  });
  guardConnections(server);
  server.on("request", (req, res) => {
    if (req.method === "GET" && req.url?.startsWith(`${HEALTH_PATH}?`)) {
      serveHealth(key, tokens, req, res);
      return;
    }
    handleHttp(context, req, res).catch((error: unknown) => {
      log(`internal error: ${error instanceof Error ? error.message : error}`);
      if (!res.headersSent)
        sendJson(res, 500, { error: { message: "internal gateway error", type: "internal" } });
      else res.destroy();
    });
  });
  server.on("upgrade", (req, socket, head) => handleUpgrade(context, req, socket, head));
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => {
      const code = errnoCode(error);
      reject(
        code === "EADDRINUSE"
          ? new CaoError(
              `port ${config.port} on ${config.bind} is already in use`,
              ExitCode.failure,
              "pick another with --port",
            )
          : new CaoError(
              `cannot listen on ${config.bind}:${config.port}: ${code ?? error.message}`,
              ExitCode.failure,
            ),
      );
    });
    server.listen(config.port, config.bind, () => resolve());
  }).catch(async (error) => {
    await agent.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  url = codexUrl(config.bind, port);
  const backendServer =
    config.backend && options.backendTls
      ? await listenBackend(context, options.backendTls, config)
      : undefined;
  if (backendServer) backend = backendUrl((backendServer.address() as AddressInfo).port);
  publish(router.preferred());

  const maintain = () => {
    tokens
      .maintain()
      .then(() => usage.checkCooling())
      .catch((error: unknown) =>
        log(`maintenance failed: ${error instanceof Error ? error.message : error}`),
      );
  };
  usage
    .checkAll()
    .then(maintain)
    .catch(() => {});
  const timer = setInterval(maintain, Math.min(MAINTENANCE_MS, config.usageCheckSeconds * 1000));
  timer.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(timer);
      notifier?.close();
      // Upgraded sockets are not the HTTP server's to close; server.close would wait for them.
      await closeUpgradedSockets(context);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      backendServer?.close();
      backendServer?.closeAllConnections();
      // Streams in flight get a moment to finish, then they are cut.
      const force = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(force);
      writer.flush({ waitMs: 3000 });
      sessionLog.flush();
      context.strangers.endWindow(Date.now());
      for (const lost of tokens.flushUnsaved()) {
        log(
          lost.rescueFile
            ? `the gateway stops with the login of ${lost.account} unsaved (${lost.reason}); ` +
                `its rescue copy at ${lost.rescueFile} is restored when the gateway starts again`
            : `WARNING: the gateway stops with the login of ${lost.account} unsaved (${lost.reason}) and no rescue copy; ` +
                `log in again with \`cao add ${lost.account} --relogin\` once the disk has room`,
        );
      }
      await agent.close().catch(() => {});
      if (options.publishState && readGatewayState(dir)?.pid === process.pid) removeGatewayState(dir);
    })();
    return closing;
  };
  return { url, port, backendUrl: backend, context, close };
}

/**
 * The HTTPS side for Codex's own backend calls, on 127.0.0.1 whatever `--bind` says (its certificate
 * names only loopback). It is an extra: when its port is taken the gateway runs without it, and codex
 * then keeps talking to chatgpt.com itself, as without cao.
 */
async function listenBackend(
  context: GatewayContext,
  tls: BackendTls,
  config: GatewayConfig,
): Promise<https.Server | undefined> {
  const server = https.createServer({
    key: tls.key,
    cert: tls.cert,
    // No client certificates are asked for, so this side needs no roots; without `ca` Node loads its
    // root store here even when nothing upstream is TLS (about 1 MB of RSS).
    ca: [],
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: 5_000,
    handshakeTimeout: HEADERS_TIMEOUT_MS,
  });
  guardConnections(server, undefined, "secureConnection");
  const relay = new BackendRelay(context);
  server.on("request", (req, res) => {
    relay.handle(req, res).catch((error: unknown) => {
      context.log(`backend ${req.method} ${req.url?.split("?")[0]} failed: ${describeError(error)}`);
      if (!res.headersSent)
        sendJson(res, 502, { error: { message: "the cao gateway failed", type: "bad_gateway" } });
      else res.destroy();
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  const listening = await new Promise<boolean>((resolve) => {
    server.once("error", (error) => {
      context.log(
        `Codex's backend calls are not served (port ${config.backendPort}: ${errnoCode(error) ?? error.message}); its quota view stays the home account's`,
      );
      resolve(false);
    });
    server.listen(config.backendPort, "127.0.0.1", () => resolve(true));
  });
  if (!listening) return undefined;
  relay.listeningOn((server.address() as AddressInfo).port);
  return server;
}
