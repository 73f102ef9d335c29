import { Agent, request } from "undici";

/** Where one benchmark request goes: a base URL (`.../v1` or the backend's) and the headers it needs. */
export interface HttpTarget {
  url: string;
  headers: Record<string, string>;
}

/** Enough keep-alive connections for 100 concurrent streams per target. */
export const benchAgent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

export interface Timing {
  /** Request sent → first body byte. */
  firstMs: number;
  /** Request sent → last body byte. */
  totalMs: number;
  bytes: number;
}

/** One streamed `POST /responses` whose user text picks the answer's shape (see SHAPES). */
export async function timeResponse(target: HttpTarget, text: string, session: string): Promise<Timing> {
  const start = performance.now();
  const response = await request(`${target.url}/responses`, {
    method: "POST",
    dispatcher: benchAgent,
    headers: { "content-type": "application/json", "session-id": session, ...target.headers },
    body: JSON.stringify({
      model: "gpt-5",
      stream: true,
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }],
    }),
  });
  let firstMs = 0;
  let bytes = 0;
  for await (const chunk of response.body) {
    if (bytes === 0) firstMs = performance.now() - start;
    bytes += (chunk as Buffer).length;
  }
  if (response.statusCode !== 200) throw new Error(`${target.url}: HTTP ${response.statusCode}`);
  return { firstMs, totalMs: performance.now() - start, bytes };
}
