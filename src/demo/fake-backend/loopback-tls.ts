import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A throwaway certificate authority and a leaf certificate for 127.0.0.1 and
 * ::1, made with the openssl CLI when the fake backend starts (no key is ever
 * committed or kept: the directory holds only the CA certificate once the
 * keys are read). Codex trusts the CA through `CODEX_CA_CERTIFICATE`. The leaf
 * must not itself be a CA (rustls rejects "CA used as end entity") and must
 * name the IP in subjectAltName with serverAuth (codex-facts: "The interactive
 * TUI runs offline too").
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

const LEAF_EXTENSIONS = [
  "basicConstraints=critical,CA:FALSE",
  "keyUsage=critical,digitalSignature,keyEncipherment",
  "extendedKeyUsage=serverAuth",
  "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost",
].join("\n");

export function makeLoopbackTls(): LoopbackTls {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cao-fake-tls-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl([
      "req",
      "-x509",
      ...ec,
      "-keyout",
      file("ca.key"),
      "-out",
      file("ca.pem"),
      "-days",
      "2",
      "-subj",
      "/CN=cao fake backend test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
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
      "2",
      "-extfile",
      file("leaf.ext"),
    ]);
    const tls = {
      caCert: fs.readFileSync(file("ca.pem"), "utf8"),
      caCertFile: file("ca.pem"),
      cert: fs.readFileSync(file("leaf.pem"), "utf8"),
      key: fs.readFileSync(file("leaf.key"), "utf8"),
      dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
    for (const name of fs.readdirSync(dir)) if (name !== "ca.pem") fs.rmSync(file(name));
    return tls;
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`fake backend: could not make a loopback certificate with openssl: ${String(error)}`);
  }
}
