// Development PKI: a local CA, the gateway's server certificate, the gateway's own client
// certificate (push-client: presented to the operators' callback servers, decision 0023) and one client
// certificate per operator, kept on disk so that restarts (and the demo clients
// that were handed the files) keep working.
//
// Layout under `dir`:
//   ca.crt, ca.key, server.crt, server.key, push-client.crt, push-client.key,
//   operators/<CODE>.crt, operators/<CODE>.key
//
// Files are reused when they are still usable; anything missing, unreadable,
// outside its validity period at `now`, not matching its key or not issued by
// the current CA is (re)generated. A new CA therefore implies new leaves.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  type CertificateAuthority,
  type IssuedCertificate,
  createCertificateAuthority,
  describeCertificate,
  issueClientCertificate,
  issueServerCertificate,
} from './certificates.js';

export interface DevPki {
  dir: string;
  ca: CertificateAuthority;
  server: { certPem: string; keyPem: string };
  /** The gateway's client certificate for the push notifications (CN "e-SAV gateway push"). */
  pushClient: { certPem: string; keyPem: string };
  operators: Record<string, IssuedCertificate & { certPath: string; keyPath: string }>;
  paths: { caCert: string; caKey: string; serverCert: string; serverKey: string };
}

export interface EnsureDevPkiOptions {
  dir: string;
  operatorCodes: string[];
  now: Date;
  /** Default: localhost, 127.0.0.1 and ::1. */
  serverHosts?: string[];
}

export const DEFAULT_SERVER_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const CA_VALIDITY_YEARS = 10;
const LEAF_VALIDITY_YEARS = 2;
// Backdating notBefore keeps freshly issued certificates valid on peers whose
// clock is slightly behind ours.
const CLOCK_SKEW_MS = 60 * 60 * 1000;
const KEY_FILE_MODE = 0o600;
const CERT_FILE_MODE = 0o644;
// Operator codes become file names: refuse anything that could leave operators/.
const OPERATOR_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

interface PemPair {
  certPem: string;
  keyPem: string;
}

interface FilePair {
  certPath: string;
  keyPath: string;
}

export function ensureDevPki(opts: EnsureDevPkiOptions): DevPki {
  opts.operatorCodes.forEach(assertValidOperatorCode);
  const hosts = opts.serverHosts ?? [...DEFAULT_SERVER_HOSTS];
  const paths = {
    caCert: join(opts.dir, 'ca.crt'),
    caKey: join(opts.dir, 'ca.key'),
    serverCert: join(opts.dir, 'server.crt'),
    serverKey: join(opts.dir, 'server.key'),
  };
  mkdirSync(operatorsDir(opts.dir), { recursive: true });

  const ca = ensureCa({ certPath: paths.caCert, keyPath: paths.caKey }, opts.now);
  const server = ensureServer({ certPath: paths.serverCert, keyPath: paths.serverKey }, ca, hosts, opts.now);
  const pushClient = ensureClient(
    { certPath: join(opts.dir, 'push-client.crt'), keyPath: join(opts.dir, 'push-client.key') },
    ca,
    { commonName: 'e-SAV gateway push', organization: 'e-SAV Gateway (development)', organizationalUnit: 'e-SAV' },
    opts.now,
  );
  const operators: DevPki['operators'] = {};
  for (const code of opts.operatorCodes) {
    operators[code] = ensureOperator(opts.dir, code, ca, opts.now);
  }
  return { dir: opts.dir, ca, server, pushClient: { certPem: pushClient.certPem, keyPem: pushClient.keyPem }, operators, paths };
}

function ensureCa(files: FilePair, now: Date): CertificateAuthority {
  const existing = readPair(files);
  if (existing && isUsableCa(existing, now)) return existing;
  const ca = createCertificateAuthority({
    commonName: 'e-SAV Development CA',
    organization: 'e-SAV Gateway (development)',
    ...validity(now, CA_VALIDITY_YEARS),
  });
  writePair(files, ca);
  return ca;
}

function ensureServer(files: FilePair, ca: CertificateAuthority, hosts: string[], now: Date): PemPair {
  const existing = readPair(files);
  if (existing && isUsableLeaf(existing, ca, now) && coversHosts(existing.certPem, hosts)) {
    return existing;
  }
  const issued = issueServerCertificate(ca, {
    commonName: hosts[0] ?? 'localhost',
    hosts,
    ...validity(now, LEAF_VALIDITY_YEARS),
  });
  writePair(files, issued);
  return { certPem: issued.certPem, keyPem: issued.keyPem };
}

function ensureOperator(
  dir: string,
  code: string,
  ca: CertificateAuthority,
  now: Date,
): IssuedCertificate & FilePair {
  const files = {
    certPath: join(operatorsDir(dir), `${code}.crt`),
    keyPath: join(operatorsDir(dir), `${code}.key`),
  };
  return ensureClient(files, ca, { commonName: code, organization: `Operateur ${code}`, organizationalUnit: 'e-SAV' }, now);
}

function ensureClient(
  files: FilePair,
  ca: CertificateAuthority,
  subject: { commonName: string; organization: string; organizationalUnit: string },
  now: Date,
): IssuedCertificate & FilePair {
  const existing = readPair(files);
  if (existing && isUsableLeaf(existing, ca, now)) {
    return { ...existing, info: describeCertificate(existing.certPem), ...files };
  }
  const issued = issueClientCertificate(ca, { ...subject, ...validity(now, LEAF_VALIDITY_YEARS) });
  writePair(files, issued);
  return { ...issued, ...files };
}

function operatorsDir(dir: string): string {
  return join(dir, 'operators');
}

function assertValidOperatorCode(code: string): void {
  if (!OPERATOR_CODE_PATTERN.test(code)) {
    throw new Error(`ensureDevPki: invalid operator code ${JSON.stringify(code)}`);
  }
}

function validity(now: Date, years: number): { notBefore: Date; notAfter: Date } {
  const notAfter = new Date(now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  return { notBefore: new Date(now.getTime() - CLOCK_SKEW_MS), notAfter };
}

function readPair(files: FilePair): PemPair | undefined {
  if (!existsSync(files.certPath) || !existsSync(files.keyPath)) return undefined;
  return { certPem: readFileSync(files.certPath, 'utf8'), keyPem: readFileSync(files.keyPath, 'utf8') };
}

// The key is written first: a crash between the two writes leaves a key
// without a certificate, which the next run detects and replaces.
function writePair(files: FilePair, pair: PemPair): void {
  writeFileWithMode(files.keyPath, pair.keyPem, KEY_FILE_MODE);
  writeFileWithMode(files.certPath, pair.certPem, CERT_FILE_MODE);
}

// `mode` only applies when the file is created, so an overwritten key file
// would keep whatever permissions it had: chmod explicitly.
function writeFileWithMode(path: string, contents: string, mode: number): void {
  writeFileSync(path, contents, { mode });
  chmodSync(path, mode);
}

function isUsableCa(pair: PemPair, now: Date): boolean {
  return inspect(pair, (cert) => cert.ca && isValidAt(cert, now) && cert.verify(cert.publicKey));
}

function isUsableLeaf(pair: PemPair, ca: CertificateAuthority, now: Date): boolean {
  const caCert = new X509Certificate(ca.certPem);
  return inspect(
    pair,
    (cert) => isValidAt(cert, now) && cert.checkIssued(caCert) && cert.verify(caCert.publicKey),
  );
}

// Parses the pair and applies `check`; corrupt files count as unusable rather
// than failing startup, since they are regenerated anyway.
function inspect(pair: PemPair, check: (cert: X509Certificate) => boolean): boolean {
  try {
    const cert = new X509Certificate(pair.certPem);
    return cert.checkPrivateKey(createPrivateKey(pair.keyPem)) && check(cert);
  } catch {
    return false;
  }
}

function isValidAt(cert: X509Certificate, now: Date): boolean {
  const t = now.getTime();
  return new Date(cert.validFrom).getTime() <= t && t < new Date(cert.validTo).getTime();
}

// A reused server certificate must still name every requested host, otherwise
// clients connecting by a newly added name would fail hostname verification.
function coversHosts(certPem: string, hosts: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return hosts.every((host) =>
      isIP(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host, { wildcards: false }) !== undefined,
    );
  } catch {
    return false;
  }
}
