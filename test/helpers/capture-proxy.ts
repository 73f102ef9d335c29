import http from "node:http";
import type { AddressInfo } from "node:net";
import { decompress } from "fzstd";

export interface CapturedTurn {
  accountId: string | undefined;
  /** The request body as JSON text (zstd bodies decompressed). */
  body: string;
  /** The `accept-encoding` Codex asked for, if any. */
  acceptEncoding: string | undefined;
}

export interface CaptureProxy {
  origin: string;
  turns: CapturedTurn[];
  close(): Promise<void>;
}

/**
 * A loopback pass-through in front of the fake backend that keeps the body of
 * every model request (`POST .../responses`), so a test can see what context
 * Codex sent the model. The WebSocket upgrade is answered 426, which makes
 * Codex use HTTP for the session (docs/codex-notes.md, "The Responses WebSocket").
 */
export async function startCaptureProxy(target: string): Promise<CaptureProxy> {
  const turns: CapturedTurn[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      if (req.method === "POST" && req.url?.endsWith("/responses")) {
        const zstd = req.headers["content-encoding"] === "zstd";
        const accountId = req.headers["chatgpt-account-id"];
        turns.push({
          accountId: typeof accountId === "string" ? accountId : undefined,
          body: Buffer.from(zstd ? decompress(raw) : raw).toString("utf8"),
          acceptEncoding: req.headers["accept-encoding"],
        });
      }
      const upstream = http.request(
        new URL(req.url ?? "/", target),
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(raw);
    });
  });
  server.on("upgrade", (_req, socket) =>
    socket.end("HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\n\r\n"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    turns,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
