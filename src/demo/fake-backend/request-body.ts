import type { IncomingMessage } from "node:http";
import { decompress } from "fzstd";

/** Reads a JSON request body, plain or `content-encoding: zstd` (Codex compresses Responses requests). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let raw: Uint8Array = Buffer.concat(chunks);
  if (raw.length === 0) return undefined;
  const encoding = req.headers["content-encoding"];
  if (encoding === "zstd") raw = decompress(raw);
  else if (encoding && encoding !== "identity") throw new Error(`unsupported content-encoding ${encoding}`);
  return JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("utf8"));
}
