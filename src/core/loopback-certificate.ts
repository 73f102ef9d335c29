import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A certificate authority and one leaf certificate for the loopback addresses
 * (127.0.0.1, ::1, localhost), made with the openssl CLI. The CA's private key
 * never leaves the temporary directory it is made in and is deleted with it:
 * nothing can sign another certificate with this CA afterwards, so trusting
 * it vouches for this one loopback leaf and nothing else (not for
 * chatgpt.com). The leaf must not itself be a CA (rustls rejects "CA used as
 * end entity") and must name the IP in subjectAltName with serverAuth (see
 * docs/codex-notes.md, "The interactive TUI").
 */
export interface LoopbackCertificate {
  /** PEM of the CA certificate (public). */
  caCert: string;
  /** PEM of the leaf certificate and its private key (secret). */
  cert: string;
  key: string;
}

const LEAF_EXTENSIONS = [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment",
  "extendedKeyUsage=serverAuth",
  "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost",
].join("\n");

export class OpensslMissingError extends Error {}

export function makeLoopbackCertificate(options: { caName: string; days: number }): LoopbackCertificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cao-tls-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => {
    try {
      execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        throw new OpensslMissingError("the openssl command is not installed");
      const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim();
      throw new Error(`openssl ${args[0]} failed: ${stderr.split("\n")[0] || String(error)}`);
    }
  };
  const days = String(options.days);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  try {
    openssl([
      "req",
      "-x509",
      ...ec,
      "-keyout",
      file("ca.key"),
      "-out",
      file("ca.pem"),
      "-days",
      days,
      "-subj",
      `/CN=${options.caName}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE,pathlen:0",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl([
      "req",
      "-new",
      ...ec,
      "-keyout",
      file("leaf.key"),
      "-out",
      file("leaf.csr"),
      "-subj",
      "/CN=127.0.0.1",
    ]);
    fs.writeFileSync(file("leaf.ext"), `${LEAF_EXTENSIONS}\n`);
    openssl([
      "x509",
      "-req",
      "-in",
      file("leaf.csr"),
      "-CA",
      file("ca.pem"),
      "-CAkey",
      file("ca.key"),
      "-CAcreateserial",
      "-out",
      file("leaf.pem"),
      "-days",
      days,
      "-extfile",
      file("leaf.ext"),
    ]);
    return {
      caCert: fs.readFileSync(file("ca.pem"), "utf8"),
      cert: fs.readFileSync(file("leaf.pem"), "utf8"),
      key: fs.readFileSync(file("leaf.key"), "utf8"),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
