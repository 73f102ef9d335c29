import zlib from "node:zlib";
import { Decompress, decompress as zstdDecompress } from "fzstd";

/**
 * Reading compressed upstream answers. The gateway forwards bodies and streams
 * byte for byte with the headers they came with (so what Codex gets always
 * matches its `content-encoding`), and decodes a copy only where it must look
 * inside: error bodies (usage limits) and the `codex.rate_limits` events of a
 * model stream. Choice and figures: docs/gateway.md.
 */

/** Content codings the gateway can decode, in the order it prefers them. */
const READABLE = ["zstd", "gzip", "br", "deflate"] as const;
type Readable = (typeof READABLE)[number];
const READABLE_SET = new Set<string>(READABLE);

/** The codings of a `content-encoding` header, in the order they were applied; [] for identity. */
export function contentCodings(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "" && part !== "identity");
}

/**
 * What to ask the upstream for on behalf of a client's `accept-encoding`: only
 * the codings the gateway itself can read, so every answer stays inspectable.
 * undefined (no header: identity) when the client asked for none of them.
 */
export function readableAcceptEncoding(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value === undefined) return undefined;
  const kept = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => {
      const [name = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
      return READABLE_SET.has(name) && !params.some((param) => /^q=0(\.0*)?$/.test(param));
    });
  return kept.length > 0 ? kept.join(", ") : undefined;
}

/** What the gateway's own calls (usage check, token refresh) accept. */
export const OWN_ACCEPT_ENCODING = "zstd, gzip";

export class UnreadableEncodingError extends Error {}

/** A whole (small) body decoded; throws UnreadableEncodingError for a coding it cannot read or corrupt data. */
export function decodeBody(body: Buffer, header: string | string[] | undefined): Buffer {
  let data = body;
  for (const coding of contentCodings(header).reverse()) {
    if (!READABLE_SET.has(coding))
      throw new UnreadableEncodingError(`unsupported content-encoding ${coding}`);
    try {
      data = decodeWhole(data, coding as Readable);
    } catch (error) {
      throw new UnreadableEncodingError(`corrupt ${coding} body: ${(error as Error).message}`);
    }
  }
  return data;
}

function decodeWhole(data: Buffer, coding: Readable): Buffer {
  // Sync flush on the way out: a body cut short still yields what arrived.
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (coding) {
    case "zstd":
      return Buffer.from(zstdDecompress(data));
    case "gzip":
      return zlib.gunzipSync(data, lenient);
    case "br":
      return zlib.brotliDecompressSync(data, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    case "deflate":
      // HTTP "deflate" is meant to be zlib-wrapped; some servers send it raw.
      try {
        return zlib.inflateSync(data, lenient);
      } catch {
        return zlib.inflateRawSync(data, lenient);
      }
  }
}

/** Decodes a passing stream chunk by chunk for inspection only; the original chunks go on unchanged. */
export interface StreamDecoder {
  write(chunk: Buffer): void;
  end(): void;
}

/**
 * A decoder feeding `onData` with the decoded bytes of a stream encoded with
 * `header`, or undefined when the stream is plain. An undecodable stream calls
 * `onError` once and is ignored from then on (the client still gets it whole).
 */
export function createStreamDecoder(
  header: string | string[] | undefined,
  onData: (chunk: Buffer) => void,
  onError: (error: Error) => void,
): StreamDecoder | undefined {
  const codings = contentCodings(header);
  if (codings.length === 0) return undefined;
  let failed = false;
  const fail = (error: Error) => {
    if (failed) return;
    failed = true;
    onError(error);
  };
  const unreadable = codings.find((coding) => !READABLE_SET.has(coding));
  if (unreadable) {
    fail(new UnreadableEncodingError(`unsupported content-encoding ${unreadable}`));
    return { write() {}, end() {} };
  }
  // Innermost coding last applied is undone first: chain the stages outside in.
  let next: StreamDecoder = { write: (chunk) => !failed && onData(chunk), end() {} };
  for (const coding of codings) next = stage(coding as Readable, next, fail);
  return {
    write: (chunk) => {
      if (!failed) next.write(chunk);
    },
    end: () => {
      if (!failed) next.end();
    },
  };
}

function stage(coding: Readable, out: StreamDecoder, fail: (error: Error) => void): StreamDecoder {
  if (coding === "zstd") {
    // fzstd decodes synchronously and handles concatenated frames.
    const decoder = new Decompress((chunk) => out.write(Buffer.from(chunk)));
    return {
      write(chunk) {
        try {
          decoder.push(chunk);
        } catch (error) {
          fail(new UnreadableEncodingError(`corrupt zstd stream: ${(error as Error).message}`));
        }
      },
      end: () => out.end(),
    };
  }
  const stream =
    coding === "gzip"
      ? zlib.createGunzip()
      : coding === "br"
        ? zlib.createBrotliDecompress()
        : zlib.createInflate();
  stream.on("data", (chunk: Buffer) => out.write(chunk));
  stream.on("end", () => out.end());
  stream.on("error", (error) =>
    fail(new UnreadableEncodingError(`corrupt ${coding} stream: ${error.message}`)),
  );
  return {
    write: (chunk) => {
      stream.write(chunk);
    },
    end: () => {
      stream.end();
    },
  };
}
