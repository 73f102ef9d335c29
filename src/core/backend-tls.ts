import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { ensurePrivateDir, writeFileAtomic } from "./atomic-write.js";
import { gatewayCaBundlePath } from "./gateway-state.js";
import { makeLoopbackCertificate } from "./loopback-certificate.js";
import { dataDir, stateDir } from "./paths.js";

/**
 * The certificate of the gateway's HTTPS side (Codex's `chatgpt_base_url`
 * calls, docs/tui.md "Codex's own quota view"), per install:
 *
 *   .state/gateway-tls.pem  0600  leaf key, leaf certificate, CA certificate
 *   .state/gateway-ca.pem   0600  the CA certificate, then the usual roots:
 *                                 what the codex processes cao starts trust
 *                                 (CODEX_CA_CERTIFICATE replaces Codex's roots)
 *
 * The CA's key is deleted as soon as the leaf is signed (loopback-certificate.ts),
 * so the CA vouches for 127.0.0.1/::1 only, and only to those processes; it is
 * never installed system-wide. The leaf is reused until 30 days before it
 * expires; the bundle is rewritten at every start, so it follows the system's roots.
 */
export const gatewayTlsPath = (dir = dataDir()): string => path.join(stateDir(dir), "gateway-tls.pem");

const LEAF_DAYS = 825;
const RENEW_BEFORE_MS = 30 * 86_400_000;
/** Where Linux distributions, the BSDs and macOS keep the system's roots (the first readable one is added). */
const SYSTEM_ROOTS = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/ssl/cert.pem",
];

export interface BackendTls {
  key: string;
  cert: string;
}

export function loadBackendTls(dir = dataDir(), now = Date.now()): BackendTls {
  ensurePrivateDir(stateDir(dir));
  const file = gatewayTlsPath(dir);
  let material = readUsable(file, now);
  if (!material) {
    const made = makeLoopbackCertificate({
      caName: "cao gateway (this install, loopback only)",
      days: LEAF_DAYS,
    });
    material = { key: made.key, cert: made.cert, caCert: made.caCert };
    writeFileAtomic(file, `${made.key.trim()}\n${made.cert.trim()}\n${made.caCert.trim()}\n`, {
      mode: 0o600,
    });
  }
  writeFileAtomic(gatewayCaBundlePath(dir), caBundle(material.caCert, gatewayCaBundlePath(dir)), {
    mode: 0o600,
  });
  return { key: material.key, cert: material.cert };
}

/** The stored leaf and CA when they still fit together, name 127.0.0.1 and last another 30 days. */
function readUsable(file: string, now: number): (BackendTls & { caCert: string }) | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const key = /-----BEGIN (?:EC )?PRIVATE KEY-----[\s\S]+?-----END (?:EC )?PRIVATE KEY-----/.exec(text)?.[0];
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!key || certs.length !== 2) return undefined;
  const [cert, caCert] = certs as [string, string];
  try {
    const leaf = new crypto.X509Certificate(cert);
    const ca = new crypto.X509Certificate(caCert);
    const fits =
      leaf.checkIssued(ca) &&
      leaf.verify(ca.publicKey) &&
      leaf.checkIP("127.0.0.1") !== undefined &&
      leaf.checkPrivateKey(crypto.createPrivateKey(key)) &&
      Date.parse(leaf.validTo) - now > RENEW_BEFORE_MS;
    return fits ? { key, cert, caCert } : undefined;
  } catch {
    return undefined;
  }
}

/** The CA, then the roots codex would trust without CODEX_CA_CERTIFICATE (plus one the user already gave it). */
function caBundle(caCert: string, bundleFile: string): string {
  const parts = [caCert.trim(), ...tls.rootCertificates.map((root) => root.trim())];
  const own = [process.env.CODEX_CA_CERTIFICATE, process.env.SSL_CERT_FILE].filter(
    (value): value is string => Boolean(value?.trim()) && path.resolve(value as string) !== bundleFile,
  );
  const system = SYSTEM_ROOTS.find((candidate) => fs.existsSync(candidate));
  for (const extra of [...own, ...(system ? [system] : [])]) {
    try {
      parts.push(fs.readFileSync(extra, "utf8").trim());
    } catch {
      // An unreadable extra bundle only means fewer roots; Node's own are already in.
    }
  }
  return `${parts.join("\n")}\n`;
}
