import crypto from "node:crypto";
import http from "node:http";
import {
  type GatewayHealth,
  HEALTH_PATH,
  identityProof,
  proofMatches,
  readGatewayKey,
} from "./gateway-identity.js";
import { readGatewayState } from "./gateway-state.js";
import { dataDir } from "./paths.js";

export type GatewayProbe =
  | { kind: "none" }
  | { kind: "verified"; url: string; health: GatewayHealth }
  /** Something answers on the recorded URL but cannot prove it is the user's gateway (or nothing answers). */
  | { kind: "unverified"; url: string; reason: string };

/**
 * Asks the gateway recorded in `.state/gateway` to prove who it is (see
 * gateway-identity.ts) and for its health. Sends no token, so asking a
 * stranger on the port gives nothing away.
 */
export async function probeGateway(dir = dataDir(), timeoutMs = 1500): Promise<GatewayProbe> {
  const state = readGatewayState(dir);
  if (!state) return { kind: "none" };
  const key = readGatewayKey(dir);
  if (!key) return { kind: "unverified", url: state.url, reason: "no gateway key in .state/gateway-key" };
  const challenge = crypto.randomBytes(16).toString("hex");
  const origin = new URL(state.url).origin;
  let answer: { status: number; text: string };
  try {
    answer = await get(
      `${origin}${HEALTH_PATH}?c=${challenge}`,
      identityProof(key, "client", challenge),
      timeoutMs,
    );
  } catch (error) {
    return { kind: "unverified", url: state.url, reason: `no answer (${(error as Error).message})` };
  }
  let body: (GatewayHealth & { proof?: string }) | undefined;
  try {
    body = JSON.parse(answer.text) as GatewayHealth & { proof?: string };
  } catch {
    body = undefined;
  }
  if (answer.status !== 200 || !body || !proofMatches(identityProof(key, "gateway", challenge), body.proof)) {
    return { kind: "unverified", url: state.url, reason: "the process on that port is not your gateway" };
  }
  return {
    kind: "verified",
    url: state.url,
    health: { pid: body.pid, unsaved: Array.isArray(body.unsaved) ? body.unsaved : [] },
  };
}

function get(url: string, proof: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { "x-cao-proof": proof }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > 1_000_000) req.destroy(new Error("answer too large"));
        else chunks.push(chunk);
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}
