import type { ServerResponse } from "node:http";
import zlib from "node:zlib";
import type { FakeCompression, FakeEncoding } from "./types.js";

/**
 * Answers compressed the way the real edge does: when the client's
 * `accept-encoding` allows it (Codex 0.171 sends `zstd,gzip`), in the client's
 * order of preference; or always with one coding (`compression: "gzip"`), as
 * an edge that ignores the header would.
 *
 * zstd: Node 20's zlib has no zstd encoder, so whole bodies are compressed with
 * @bokuweb/zstd-wasm (real zstd, a devDependency: absent from an installed
 * package, where `cao demo` then offers gzip and br only). Its API compresses a
 * whole buffer at once and cannot flush mid-frame, so event streams are never
 * zstd here: they get gzip or br, flushed after every write like the edge.
 */
type ZstdCompress = (data: Uint8Array, level?: number) => Uint8Array;
let zstdCompress: ZstdCompress | undefined;
let zstdLoading: Promise<void> | undefined;

/** Loads the zstd encoder once if it is installed. */
export function loadZstdEncoder(): Promise<void> {
  zstdLoading ??= (async () => {
    try {
      const moduleName = "@bokuweb/zstd-wasm";
      const zstd = (await import(moduleName)) as { init(): Promise<void>; compress: ZstdCompress };
      await zstd.init();
      zstdCompress = zstd.compress;
    } catch {
      // Not installed (a packaged cao): no zstd.
    }
  })();
  return zstdLoading;
}

/** The coding of one answer, or undefined for identity. */
export function chooseEncoding(
  policy: FakeCompression | undefined,
  acceptEncoding: string | string[] | undefined,
  streaming: boolean,
): FakeEncoding | undefined {
  const usable = (coding: string): coding is FakeEncoding =>
    coding === "gzip" || coding === "br" || (coding === "zstd" && zstdCompress !== undefined && !streaming);
  if (policy === "off") return undefined;
  if (policy !== undefined && policy !== "when-asked") {
    // Forced: what this edge always sends (a stream it cannot zstd gets gzip).
    return usable(policy) ? policy : "gzip";
  }
  const value = Array.isArray(acceptEncoding) ? acceptEncoding.join(",") : (acceptEncoding ?? "");
  for (const part of value.split(",")) {
    const [name = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    if (params.some((param) => /^q=0(\.0*)?$/.test(param))) continue;
    if (usable(name)) return name;
  }
  return undefined;
}

export function compressWhole(body: Buffer, coding: FakeEncoding): Buffer {
  if (coding === "gzip") return zlib.gzipSync(body);
  if (coding === "br") return zlib.brotliCompressSync(body);
  if (!zstdCompress) throw new Error("fake backend: no zstd encoder loaded");
  return Buffer.from(zstdCompress(body, 3));
}

/**
 * Compresses a response body on the fly: every chunk is flushed at once, so
 * events reach the client as they are produced. `send` resolves once the
 * compressed bytes were handed to the response.
 */
export function compressingSink(
  res: ServerResponse,
  coding: "gzip" | "br",
): { send(chunk: string): Promise<void>; end(): void } {
  const encoder = coding === "gzip" ? zlib.createGzip() : zlib.createBrotliCompress();
  const flushKind = coding === "gzip" ? zlib.constants.Z_SYNC_FLUSH : zlib.constants.BROTLI_OPERATION_FLUSH;
  encoder.on("data", (chunk: Buffer) => {
    if (!res.destroyed) res.write(chunk);
  });
  encoder.on("end", () => res.end());
  encoder.on("error", () => res.destroy());
  return {
    send(chunk) {
      encoder.write(chunk);
      return new Promise((resolve) => encoder.flush(flushKind, () => resolve()));
    },
    end() {
      encoder.end();
    },
  };
}
