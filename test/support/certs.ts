import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { findTool } from "./require-tool.js";

export const OPENSSL = findTool("openssl", "apt-get install openssl");

/** PEM files made for one test file: a CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, both issued by the CA. */
export interface TestPki {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** Another CA's client certificate, which the CA above did not issue. */
  strangerCertFile: string;
  strangerKeyFile: string;
  pem(file: string): string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function issue(dir: string, name: string, subject: string, ca: string, ext: string): void {
  openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-days", "2", "-out", `${name}.crt`, "-extfile", "ext.cnf", "-extensions", ext]);
}

/** Made at test time with openssl: no private key is committed. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "rolewatch-pki-"));
  execFileSync("sh", ["-c", `printf '%s\\n' '[server]' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'extendedKeyUsage=serverAuth' '[client]' 'extendedKeyUsage=clientAuth' > ext.cnf`], { cwd: dir });
  for (const ca of ["ca", "stranger-ca"]) {
    openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${ca}.key`, "-out", `${ca}.crt`, "-days", "2", "-subj", `/CN=rolewatch test ${ca}`]);
  }
  issue(dir, "server", "/CN=localhost", "ca", "server");
  issue(dir, "client", "/CN=prometheus", "ca", "client");
  issue(dir, "stranger", "/CN=stranger", "stranger-ca", "client");
  const at = (file: string) => join(dir, file);
  return {
    dir,
    caFile: at("ca.crt"),
    certFile: at("server.crt"),
    keyFile: at("server.key"),
    clientCertFile: at("client.crt"),
    clientKeyFile: at("client.key"),
    strangerCertFile: at("stranger.crt"),
    strangerKeyFile: at("stranger.key"),
    pem: (file) => readFileSync(file, "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A bcrypt hash at cost 4 (bcrypt's least), so that tests stay quick; the format is the same as at 10. */
export function hashOf(password: string): string {
  return bcrypt.hashSync(password, 4);
}
