import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { dataDir, stateDir } from "./paths.js";

/**
 * How a client knows it talks to the user's own gateway and not to whoever
 * took its port (another local user after `gateway stop`, a reused pid). The
 * gateway writes a random key to `.state/gateway-key` (0600: only the user can
 * read it) and answers `GET /cao/health?c=CHALLENGE` with a proof made from it.
 * The client proves it knows the key too before the gateway says more than
 * "alive", so a stranger learns nothing from asking and cannot fake the answer.
 */
export const HEALTH_PATH = "/cao/health";
export const gatewayKeyPath = (dir = dataDir()): string => path.join(stateDir(dir), "gateway-key");

export function createGatewayKey(dir = dataDir()): string {
  const key = crypto.randomBytes(32).toString("hex");
  fs.mkdirSync(stateDir(dir), { recursive: true, mode: 0o700 });
  writeFileAtomic(gatewayKeyPath(dir), `${key}\n`, { mode: 0o600 });
  return key;
}

export function readGatewayKey(dir = dataDir()): string | undefined {
  try {
    const key = fs.readFileSync(gatewayKeyPath(dir), "utf8").trim();
    return /^[0-9a-f]{64}$/.test(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The proof one side gives for a challenge; the roles differ so an answer cannot be replayed as a question. */
export function identityProof(key: string, role: "client" | "gateway", challenge: string): string {
  return crypto.createHmac("sha256", key).update(`${role}:${challenge}`).digest("hex");
}

export function proofMatches(expected: string, given: string | undefined): boolean {
  if (typeof given !== "string" || given.length !== expected.length) return false;
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** What a verified gateway tells its user (`cao status`, the doctor, `cao run --gateway`). */
export interface GatewayHealth {
  pid: number;
  /** Logins whose rotated tokens the disk refused: they live only in the gateway's memory. */
  unsaved: { account: string; sinceMs: number; reason: string; rescueFile: string | null }[];
}
