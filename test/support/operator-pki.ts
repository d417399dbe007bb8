// Certificates with chosen defects, for the registration checks (issue 6): any validity, key
// size, key usage, issuer. node-forge signs them (RSA keys only), keys come from node:crypto.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { createCertificateAuthority, type CertificateAuthority } from '../../src/adapters/pki/certificates.js';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

export interface TestCertificateOptions {
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
  rsaBits?: number;
  /** Extended key usages by forge name (clientAuth, serverAuth…); null: no extension at all. */
  eku?: string[] | null;
  /** keyUsage bits by forge name; null: no extension. */
  keyUsage?: string[] | null;
  isCa?: boolean;
  /** CRL distribution points (full names, URIs): the cRLDistributionPoints extension. */
  crlUrls?: string[];
}

function rsaKeyPair(bits: number): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** A certificate signed by `issuer` (or self-signed when issuer is undefined) with the given defects. */
export function makeCertificate(issuer: CertificateAuthority | undefined, options: TestCertificateOptions = {}): TestCertificate {
  const now = Date.now();
  const keys = rsaKeyPair(options.rsaBits ?? 2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  const serial = randomBytes(12);
  serial[0] = ((serial[0] ?? 0) & 0x7f) || 1;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = options.notBefore ?? new Date(now - HOUR);
  cert.validity.notAfter = options.notAfter ?? new Date(now + 365 * DAY);
  const subject = [{ shortName: 'CN', value: options.commonName ?? 'Operateur externe' }, { shortName: 'O', value: 'AC Externe Test' }];
  cert.setSubject(subject);
  const issuerCert = issuer ? forge.pki.certificateFromPem(issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: options.isCa ?? false, critical: true }];
  const keyUsage = options.keyUsage === undefined ? (options.isCa ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment']) : options.keyUsage;
  if (keyUsage) extensions.push({ name: 'keyUsage', critical: true, ...Object.fromEntries(keyUsage.map((k) => [k, true])) });
  const eku = options.eku === undefined ? (options.isCa ? null : ['clientAuth']) : options.eku;
  if (eku) extensions.push({ name: 'extKeyUsage', ...Object.fromEntries(eku.map((k) => [k, true])) });
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (options.crlUrls?.length) extensions.push({ name: 'cRLDistributionPoints', altNames: options.crlUrls.map((value) => ({ type: 6, value })) });
  if (issuerCert) {
    const ski = issuerCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
    if (ski?.subjectKeyIdentifier) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: forge.util.hexToBytes(ski.subjectKeyIdentifier) });
  }
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(issuer ? issuer.keyPem : keys.privateKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/** A CA (self-signed root) valid around now. */
export function makeRoot(commonName: string): CertificateAuthority {
  const now = Date.now();
  return createCertificateAuthority({ commonName, organization: 'AC Externe Test', notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY) });
}

/** An intermediate CA signed by `root`. */
export function makeIntermediate(root: CertificateAuthority, commonName: string): CertificateAuthority {
  const c = makeCertificate(root, { commonName, isCa: true, notAfter: new Date(Date.now() + 1000 * DAY) });
  return { certPem: c.certPem, keyPem: c.keyPem };
}

/** A PKCS#10 request made with node-forge (RSA): what an operator's tooling produces. */
export function makeCsr(commonName: string, bits = 2048): { csrPem: string; keyPem: string } {
  const keys = rsaKeyPair(bits);
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  csr.setSubject([{ shortName: 'CN', value: commonName }, { shortName: 'O', value: 'Operateur' }]);
  csr.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return { csrPem: forge.pki.certificationRequestToPem(csr), keyPem: keys.privateKeyPem };
}

/** Runs a command asynchronously (never blocks the event loop a gateway in this process answers on). */
export function execAsync(command: string, args: string[], options: { cwd?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** An EC P-256 key and CSR made with the openssl command line, in a temporary folder. */
export async function makeOpensslEcCsr(commonName: string): Promise<{ dir: string; csrPath: string; keyPath: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-csr-'));
  const keyPath = path.join(dir, 'operateur.key');
  const csrPath = path.join(dir, 'operateur.csr');
  const key = await execAsync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath]);
  if (key.code !== 0) throw new Error(`openssl ecparam: ${key.stderr}`);
  const req = await execAsync('openssl', ['req', '-new', '-key', keyPath, '-subj', `/CN=${commonName}/O=Operateur`, '-out', csrPath]);
  if (req.code !== 0) throw new Error(`openssl req: ${req.stderr}`);
  return { dir, csrPath, keyPath };
}
