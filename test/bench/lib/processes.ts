// The processes a gateway benchmark measures, each its own process so none
// steals another's event loop: the fake backend, a real `cao gateway start`
// and a bare TCP relay (the floor for any process placed between Codex and the
// upstream). Everything listens on loopback only.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { GATEWAY_NODE_FLAGS } from "../../../src/gateway-process/detach.js";
import { caoBin, repoRoot } from "../../helpers/cli.js";

/** What the benchmark client asks for (the user text) and how the fake backend answers it. */
export const SHAPES = {
  /** A few bytes: time to first byte. */
  tiny: { chars: 2, deltaChars: 64 },
  /** 1000 events of ~1 KB (~1 MB), each its own HTTP chunk, written at once: a server that had the answer ready. */
  burst: { chars: 1000 * 900, deltaChars: 900, pace: { kind: "burst" } },
  /** ~4 MB in 16 KB writes 1 ms apart: a model generating over time. */
  spread: {
    chars: 4 * 1024 * 1024,
    deltaChars: 900,
    pace: { kind: "spread", everyMs: 1, bytesPerWrite: 16 * 1024 },
  },
} as const;
export type Shape = keyof typeof SHAPES;

/**
 * Node flags of the gateway under test: the detached start's, unless
 * CAO_BENCH_NODE_FLAGS (space separated, "" for none) tries others.
 */
export const gatewayFlags = (): string[] => {
  const override = process.env.CAO_BENCH_NODE_FLAGS;
  return override === undefined ? GATEWAY_NODE_FLAGS : override.split(/\s+/).filter(Boolean);
};

export class Processes {
  private readonly children: ChildProcess[] = [];

  constructor(readonly root: string) {
    // A benchmark stopped with ^C or a signal must not leave its servers behind.
    process.once("exit", () => this.stopAll());
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => {
        this.stopAll();
        process.exit(130);
      });
  }

  /** The fake backend (HTTP SSE and WebSocket), which also logs the data dirs' accounts in. */
  async backend(dirs: Record<string, { name: string; accountId: string }[]>): Promise<BenchBackend> {
    const dist = path.join(repoRoot, "dist/demo");
    const script = `
      import { startFakeBackend } from ${JSON.stringify(path.join(dist, "fake-backend/server.js"))};
      import { registerFakeAccounts, writeSandboxCodexConfig } from ${JSON.stringify(path.join(dist, "sandbox.js"))};
      const shapes = ${JSON.stringify(SHAPES)};
      const backend = await startFakeBackend({
        websocket: true,
        accounts: [
          { accountId: "b-main", email: "main@example.com" },
          { accountId: "b-spare", email: "spare@example.com" },
          { accountId: "b-out", email: "out@example.com", notIncluded: true },
        ],
        reply: (input) => {
          const shape = shapes[input.userText] ?? shapes.tiny;
          return { kind: "text", text: "x".repeat(shape.chars), deltaChars: shape.deltaChars, pace: shape.pace };
        },
      });
      writeSandboxCodexConfig(backend, ${JSON.stringify(path.join(this.root, "codex"))});
      for (const [dir, accounts] of Object.entries(${JSON.stringify(dirs)})) registerFakeAccounts(backend, dir, accounts);
      console.log(JSON.stringify({ origin: backend.origin, codexBaseUrl: backend.codexBaseUrl,
        upstreamBaseUrl: backend.upstreamBaseUrl, refreshUrl: backend.refreshUrl }));
    `;
    const child = this.spawn(["--input-type=module", "-e", script], "stdout", {
      CAO_MAIN_CODEX_HOME: path.join(this.root, "codex"),
    });
    const line = await firstLine(child, "stdout", (text) => text.startsWith("{"));
    return { ...(JSON.parse(line) as Omit<BenchBackend, "pid">), pid: child.pid ?? 0 };
  }

  /**
   * A real gateway process (`cao gateway start`) with the detached start's
   * node flags, on a free port; `bin` runs another build (a baseline).
   */
  async gateway(
    dir: string,
    backend: BenchBackend,
    extra: string[] = [],
    bin = caoBin,
  ): Promise<{ url: string; pid: number }> {
    const args = [...gatewayFlags(), bin, "gateway", "start", "--port", "0"];
    const child = this.spawn([...args, "--base-url", backend.upstreamBaseUrl, ...extra], "stderr", {
      CAO_HOME: dir,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: backend.refreshUrl,
    });
    const line = await firstLine(child, "stderr", (text) => text.includes("gateway listening on"));
    return { url: /listening on (\S+)/.exec(line)?.[1] ?? "", pid: child.pid ?? 0 };
  }

  /**
   * A bare TCP relay (socket.pipe both ways, no HTTP) in front of `upstream`,
   * on plain node: the floor for any process in between. Nagle is off on both
   * sides, as Node's HTTP server and undici have it (else a small frame waits
   * for the peer's delayed ACK, ~40 ms). Returns `upstream` with the relay's
   * port, and its pid.
   */
  async relay(upstream: string): Promise<{ url: string; pid: number }> {
    const { hostname, port } = new URL(upstream);
    const script = `
      import net from "node:net";
      const server = net.createServer({ noDelay: true }, (client) => {
        const up = net.connect({ port: ${Number(port)}, host: ${JSON.stringify(hostname)}, noDelay: true });
        client.pipe(up); up.pipe(client);
        client.on("error", () => up.destroy()); up.on("error", () => client.destroy());
      }).listen(0, "127.0.0.1", () => console.log(server.address().port));`;
    const child = this.spawn(["--input-type=module", "-e", script], "stdout");
    const relayPort = (await firstLine(child, "stdout", (text) => /^\d+$/.test(text.trim()))).trim();
    return { url: upstream.replace(`:${port}`, `:${relayPort}`), pid: child.pid ?? 0 };
  }

  /**
   * The least an HTTP-aware proxy does, with the gateway's own parts (Node's
   * HTTP server, undici's dispatch, the gateway's node flags) and none of its
   * work (no auth, routing, tap, log): request read whole, forwarded, the
   * answer streamed back chunk by chunk. What cao adds beyond this is cao's;
   * what this adds beyond the relay is the HTTP hop itself.
   */
  async httpFloor(upstream: string): Promise<{ url: string; pid: number }> {
    const { origin, port } = new URL(upstream);
    const agent = path.join(repoRoot, "node_modules/undici/lib/dispatcher/agent.js");
    const script = `
      import http from "node:http";
      import { createRequire } from "node:module";
      const Agent = createRequire(import.meta.url)(${JSON.stringify(agent)});
      const agent = new Agent({ connections: 256, keepAliveTimeout: 30000, bodyTimeout: 0 });
      const skip = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding"]);
      const server = http.createServer((req, res) => {
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          const headers = {};
          for (const [k, v] of Object.entries(req.headers)) if (!skip.has(k)) headers[k] = v;
          agent.dispatch({ origin: ${JSON.stringify(origin)}, path: req.url, method: req.method, headers,
            body: chunks.length ? Buffer.concat(chunks) : null }, {
            onRequestStart() {},
            onResponseStart(_c, status, h) {
              const out = {};
              for (const [k, v] of Object.entries(h)) if (!skip.has(k)) out[k] = v;
              res.writeHead(status, out);
            },
            onResponseData(c, chunk) {
              if (!res.write(chunk)) { c.pause(); res.once("drain", () => c.resume()); }
            },
            onResponseEnd() { res.end(); },
            onResponseError(_c, error) { res.destroy(error); },
          });
        });
      }).listen(0, "127.0.0.1", () => console.log(server.address().port));
      // Exit normally on SIGTERM, so --cpu-prof in CAO_BENCH_NODE_FLAGS writes its profile.
      process.on("SIGTERM", () => process.exit(0));`;
    const child = this.spawn([...gatewayFlags(), "--input-type=module", "-e", script], "stdout");
    const floorPort = (await firstLine(child, "stdout", (text) => /^\d+$/.test(text.trim()))).trim();
    return { url: upstream.replace(`:${port}`, `:${floorPort}`), pid: child.pid ?? 0 };
  }

  /**
   * The least a WebSocket-aware relay does, with the gateway's own parts (the
   * `ws` library, Node's HTTP server for the upgrade, the gateway's node
   * flags) and none of its work (no auth, routing, rate-limit reading,
   * replay): the upstream socket opened with the caller's headers, then every
   * message passed on as it is, both ways. What cao adds beyond this is
   * cao's; what this adds beyond the TCP relay is the WebSocket hop itself.
   */
  async wsFloor(upstream: string): Promise<{ url: string; pid: number }> {
    const { origin, port } = new URL(upstream);
    const ws = path.join(repoRoot, "node_modules/ws/index.js");
    const script = `
      import http from "node:http";
      import { createRequire } from "node:module";
      const WebSocket = createRequire(import.meta.url)(${JSON.stringify(ws)});
      const acceptor = new WebSocket.WebSocketServer({ noServer: true, perMessageDeflate: false });
      const server = http.createServer((_req, res) => res.writeHead(426).end());
      server.on("upgrade", (req, socket, head) => {
        const headers = {};
        for (const k of ["authorization", "chatgpt-account-id", "session-id"]) if (req.headers[k]) headers[k] = req.headers[k];
        const up = new WebSocket(${JSON.stringify(origin.replace(/^http/, "ws"))} + req.url, { headers });
        up.once("error", () => socket.destroy());
        up.once("open", () => acceptor.handleUpgrade(req, socket, head, (client) => {
          client.on("message", (data, binary) => up.send(data, { binary }));
          up.on("message", (data, binary) => client.send(data, { binary }));
          client.on("close", () => up.close()); up.on("close", () => client.close());
        }));
      });
      server.listen(0, "127.0.0.1", () => console.log(server.address().port));
      process.on("SIGTERM", () => process.exit(0));`;
    const child = this.spawn([...gatewayFlags(), "--input-type=module", "-e", script], "stdout");
    const floorPort = (await firstLine(child, "stdout", (text) => /^\d+$/.test(text.trim()))).trim();
    return { url: upstream.replace(`:${port}`, `:${floorPort}`), pid: child.pid ?? 0 };
  }

  stopAll(): void {
    for (const child of this.children) child.kill("SIGTERM");
  }

  /** Stops every process and waits until they are gone (a gateway writes its files on the way out). */
  async stop(): Promise<void> {
    const gone = this.children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once("exit", resolve)));
    this.stopAll();
    await Promise.all(gone);
  }

  private spawn(args: string[], output: "stdout" | "stderr", env: NodeJS.ProcessEnv = {}): ChildProcess {
    const child = spawn(process.execPath, args, {
      stdio: [
        "ignore",
        output === "stdout" ? "pipe" : process.env.CAO_BENCH_CHILD_STDOUT ? "inherit" : "ignore",
        output === "stderr" ? "pipe" : "inherit",
      ],
      env: { ...process.env, ...env },
    });
    this.children.push(child);
    return child;
  }
}

export interface BenchBackend {
  origin: string;
  /** `/v1`: what Codex (and the WebSocket client) talks to directly. */
  codexBaseUrl: string;
  /** `/backend-api/codex`: the gateway's upstream. */
  upstreamBaseUrl: string;
  refreshUrl: string;
  pid: number;
}

/** Resolves with the first line of the child's output that matches, then keeps draining it. */
function firstLine(child: ChildProcess, from: "stdout" | "stderr", match: (text: string) => boolean) {
  return new Promise<string>((resolve, reject) => {
    let buffer = "";
    const stream = from === "stdout" ? child.stdout : child.stderr;
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find(match);
      if (line) {
        stream?.off("data", onData);
        // Keep reading, so a full pipe never blocks the child.
        stream?.resume();
        resolve(line);
      }
    };
    stream?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited ${code} before it was ready: ${buffer}`)));
  });
}

/** user + system CPU of a process so far, in ms (10 ms resolution). */
export function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The access token a data dir's account holds (what a Codex started in its home would send). */
export function tokenOf(dir: string, name: string): string {
  return JSON.parse(fs.readFileSync(path.join(dir, name, "auth.json"), "utf8")).tokens.access_token;
}
