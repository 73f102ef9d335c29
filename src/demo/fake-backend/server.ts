/**
 * Fake ChatGPT backend on loopback (contract and routes: ./types.ts).
 *
 *   const backend = await startFakeBackend({ accounts: [{ accountId: "acc-1", email: "a@example.com" }] });
 *   // A CODEX_HOME signed in to acc-1 (auth.json 0600 + a config.toml pointing both base URLs here
 *   // and switching off update check, analytics, plugins, apps):
 *   const env = prepareFakeCodexHome(backend, dir, "acc-1");  // ./codex-home.ts; { CODEX_HOME, CODEX_REFRESH_TOKEN_URL_OVERRIDE }
 *   //   then: codex exec --skip-git-repo-check "say hi"   (with that env; no -c needed)
 *   // By hand instead: backend.mintAuth("acc-1").authJson -> auth.json, and
 *   //   codex exec -c openai_base_url="${backend.codexBaseUrl}" -c chatgpt_base_url="${backend.chatgptBaseUrl}"
 *   //   with CODEX_REFRESH_TOKEN_URL_OVERRIDE=${backend.refreshUrl}.
 *   // The gateway uses backend.upstreamBaseUrl (`/backend-api/codex`) as its upstream.
 *   backend.requests    // what was asked (account id, session id, status, transport), never tokens
 *   await backend.close();
 *
 * With `https: true` the same routes are also served over TLS on a second port (`httpsOrigin`), with a
 * CA made at start (`caCertFile`, for `CODEX_CA_CERTIFICATE`): the interactive TUI needs its
 * `chatgpt_base_url` on HTTPS (`chatgptBaseUrl` picks it) and answers to `wham/accounts/check`.
 *
 * Tests: test/helpers/fake-codex.ts has fakeCodexHome(backend, accountId), codexExec(home, prompt) and
 * rolloutEvents(home). The default reply echoes the prompt; `reply` chooses text or a shell tool call.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { loadZstdEncoder } from "./compression.js";
import { handleHttp } from "./http-routes.js";
import { type LoopbackTls, makeLoopbackTls } from "./loopback-tls.js";
import { BackendState } from "./state.js";
import type { FakeBackend, FakeBackendOptions, MintedAuth } from "./types.js";
import { attachUpgrades } from "./websocket.js";

export type * from "./types.js";

export async function startFakeBackend(options: FakeBackendOptions): Promise<FakeBackend> {
  await loadZstdEncoder();
  const state = new BackendState(options);
  const server = http.createServer((req, res) => {
    void handleHttp(state, req, res);
  });
  const upgrades = attachUpgrades(server, state);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const origin = originOf("http", server);
  const regional = options.regionalOrigin
    ? await listenRegional(state, options.host ?? "127.0.0.1")
    : undefined;
  if (regional)
    state.regional = { origin: originOf("http", regional), port: (regional.address() as AddressInfo).port };
  const secure = options.https ? await listenHttps(state, options.host ?? "127.0.0.1") : undefined;
  if (secure) state.httpsOrigin = originOf("https", secure.server);

  return {
    origin,
    ...(secure && { httpsOrigin: state.httpsOrigin, caCertFile: secure.tls.caCertFile }),
    chatgptBaseUrl: `${state.httpsOrigin ?? origin}/backend-api/`,
    codexBaseUrl: `${origin}/v1`,
    upstreamBaseUrl: `${origin}/backend-api/codex`,
    refreshUrl: `${origin}/oauth/token`,
    requests: state.requests,
    ...(state.regional && { regionalOrigin: state.regional.origin }),
    encodedAnswers: state.encodedAnswers,
    refreshCount: state.refreshCount,
    reuseDetected: state.reuseDetected,
    mintAuth(accountId, mintOptions): MintedAuth {
      const identity = state.identity(accountId);
      if (!identity) throw new Error(`fake backend: unknown account ${accountId}`);
      const tokens = state.tokens.mint(identity, mintOptions?.accessTtlSeconds);
      return {
        refreshToken: tokens.refreshToken,
        authJson: {
          OPENAI_API_KEY: null,
          tokens: {
            id_token: tokens.idToken,
            access_token: tokens.accessToken,
            refresh_token: tokens.refreshToken,
            account_id: accountId,
          },
          last_refresh: new Date().toISOString(),
        },
      };
    },
    setAccount(accountId, patch) {
      state.account(accountId).update(patch);
    },
    injectFault(fault) {
      state.faults.inject(fault);
    },
    clearFaults() {
      state.faults.clear();
    },
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          regional?.closeAllConnections();
          regional?.close();
          upgrades.closeAll();
        }),
        secure &&
          new Promise<void>((resolve) => {
            secure.server.close(() => resolve());
            secure.server.closeAllConnections();
          }),
      ]);
      secure?.tls.dispose();
    },
  };
}

async function listenHttps(
  state: BackendState,
  host: string,
): Promise<{ server: https.Server; tls: LoopbackTls }> {
  const tls = makeLoopbackTls();
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    void handleHttp(state, req, res);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, host, () => resolve());
    });
  } catch (error) {
    tls.dispose();
    throw error;
  }
  return { server, tls };
}

function originOf(scheme: "http" | "https", server: http.Server | https.Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

/** The regional workspaces' origin: the same routes and state on a second port. */
async function listenRegional(state: BackendState, host: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    void handleHttp(state, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  return server;
}
