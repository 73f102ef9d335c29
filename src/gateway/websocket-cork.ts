import type { Duplex } from "node:stream";
import type WebSocket from "ws";

/**
 * The WebSocket twin of coalesced-write.ts: the frames relayed from one
 * upstream socket read reach the client in one syscall. `ws` writes each frame
 * as its own corked header + payload pair (a writev per frame, ~1000 per MB of
 * small events); an outer cork on the client's socket, released once the read
 * has been handled (a microtask, so no added latency), gathers them. Corks
 * nest, so `ws`'s own cork/uncork per frame stays correct.
 */
const corked = new WeakSet<Duplex>();

export function corkUntilReadHandled(ws: WebSocket): void {
  // `_socket` is ws's (long-standing) name for the connection it writes to.
  const socket = (ws as unknown as { _socket?: Duplex })._socket;
  if (!socket || socket.destroyed || corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  queueMicrotask(() => {
    corked.delete(socket);
    socket.uncork();
  });
}
