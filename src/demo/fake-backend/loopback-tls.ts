import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeLoopbackCertificate } from "../../core/loopback-certificate.js";

/**
 * A throwaway loopback certificate for the fake backend's HTTPS side, made
 * when it starts (no key is ever committed or written: the directory holds
 * only the CA certificate). Codex trusts the CA through `CODEX_CA_CERTIFICATE`.
 */
export interface LoopbackTls {
  /** PEM of the CA certificate, also written to `caCertFile`. */
  caCert: string;
  caCertFile: string;
  /** Leaf certificate and key for the HTTPS server (in memory only). */
  cert: string;
  key: string;
  /** Removes the directory holding the CA certificate. */
  dispose(): void;
}

export function makeLoopbackTls(): LoopbackTls {
  let made: ReturnType<typeof makeLoopbackCertificate>;
  try {
    made = makeLoopbackCertificate({ caName: "cao fake backend test CA", days: 2 });
  } catch (error) {
    throw new Error(`fake backend: could not make a loopback certificate: ${String(error)}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cao-fake-tls-"));
  const caCertFile = path.join(dir, "ca.pem");
  fs.writeFileSync(caCertFile, made.caCert);
  return { ...made, caCertFile, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
