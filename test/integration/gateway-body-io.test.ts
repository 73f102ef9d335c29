// The gateway's two body paths on real sockets: reading a client's request
// body (proxy.ts readBody) and holding an upstream answer's body until its
// caller attaches (upstream-response.ts), which must stay bounded.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import http from "node:http";
import net from "node:net";
import { after, test } from "node:test";
import { Agent } from "undici";
import { BodyTooLargeError, readBody } from "../../src/gateway/proxy.js";
import { sendUpstream } from "../../src/gateway/upstream-response.js";
import { waitUntil } from "../helpers/deadline.js";

const servers: http.Server[] = [];
after(() => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
});

/** A loopback server whose requests go to `onRequest`; resolves with its port. */
async function serve(onRequest: http.RequestListener): Promise<number> {
  const server = http.createServer(onRequest);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Sends `head` and then each of `parts` on a raw socket, one write each, and returns the socket. */
function rawRequest(port: number, head: string, parts: Buffer[]): net.Socket {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  socket.write(head);
  for (const part of parts) socket.write(part);
  return socket;
}

test("a request body sent in many writes is read whole and in order", async () => {
  const parts = Array.from({ length: 40 }, (_, i) =>
    Buffer.alloc(1000 + i, String.fromCharCode(97 + (i % 26))),
  );
  const whole = Buffer.concat(parts);
  const read = new Promise<Buffer>((resolve, reject) => {
    void serve((req, res) => {
      readBody(req).then(resolve, reject);
      res.end();
    }).then((port) =>
      rawRequest(port, `POST / HTTP/1.1\r\nhost: x\r\ncontent-length: ${whole.length}\r\n\r\n`, parts),
    );
  });
  const body = await read;
  assert.equal(body.length, whole.length, `read ${body.length} bytes of ${whole.length}`);
  assert.ok(body.equals(whole), "the bytes read differ from the bytes sent");
});

test("a body over the limit is refused and the connection closed, with the rest never read", async () => {
  let rejection: unknown;
  const port = await serve((req) => {
    readBody(req, 10_000).catch((error: unknown) => {
      rejection = error;
    });
  });
  const socket = rawRequest(port, "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1000000\r\n\r\n", [
    Buffer.alloc(20_000, "z"),
  ]);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await closed;
  assert.ok(rejection instanceof BodyTooLargeError, `rejected with ${String(rejection)}`);
});

test("a client that goes away mid-body makes the read fail instead of hang", async () => {
  let outcome: string | undefined;
  let socket: net.Socket | undefined;
  const port = await serve((req) => {
    readBody(req).then(
      () => {
        outcome = "resolved";
      },
      (error: Error) => {
        outcome = `rejected: ${error.message}`;
      },
    );
    socket?.destroy();
  });
  socket = rawRequest(port, "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 5000\r\n\r\n", [
    Buffer.alloc(100, "y"),
  ]);
  await waitUntil(() => outcome !== undefined, { describe: () => `outcome ${outcome}` });
  assert.match(outcome ?? "", /^rejected/);
});

test("an answer's body waits for its caller bounded: the upstream is held back, then all of it arrives", async () => {
  // Far more than loopback's socket buffers hold: read ahead without bound, the server would finish.
  const body = crypto.randomBytes(32 * 1024 * 1024);
  const answers: http.ServerResponse[] = [];
  const port = await serve((_req, res) => {
    answers.push(res);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
    res.end(body);
  });
  const finished = (res: http.ServerResponse) => new Promise<void>((resolve) => res.once("finish", resolve));
  const agent = new Agent();
  const request = () =>
    sendUpstream(agent, {
      origin: `http://127.0.0.1:${port}`,
      path: "/",
      method: "GET",
      headers: {},
      body: null,
      headersTimeout: 10_000,
    });
  try {
    // Control: read at once, the server is done writing after `fullMs`.
    const started = performance.now();
    const control = await request();
    const controlDone = finished(answers[0]!);
    assert.equal((await control.bytes()).length, body.length);
    await controlDone;
    const fullMs = performance.now() - started;

    const held = await request();
    const answer = answers[1]!;
    let serverDone = false;
    const done = finished(answer).then(() => {
      serverDone = true;
    });
    // Three times what the whole body took to go through: an unbounded read-ahead would be done.
    await new Promise((resolve) => setTimeout(resolve, Math.max(200, 3 * fullMs)));
    assert.equal(serverDone, false, `the server wrote all ${body.length} bytes before anyone read them`);
    assert.ok(answer.writableLength > 1024 * 1024, `the server had ${answer.writableLength} bytes left`);
    const received = await held.bytes();
    await done;
    assert.equal(received.length, body.length, `received ${received.length} of ${body.length} bytes`);
    assert.ok(received.equals(body), "the body arrived changed or out of order");
  } finally {
    await agent.close();
  }
});
