// Certificate building blocks for the development PKI.
//
// node-forge builds and signs the X.509 structures; key pairs come from
// node:crypto because forge's pure-JS RSA key generation takes seconds per key.
// Inspection goes through node:crypto's X509Certificate so that what we report
// (fingerprints, dates) is exactly what the TLS stack will see.
//
// Private keys are only ever returned as PEM strings: nothing here logs them.

import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface CertificateInfo {
  /** SHA-256 fingerprint of the DER certificate, lowercase hex without colons. */
  fingerprint256: string;
  /** Serial number, lowercase hex. */
  serialNumber: string;
  /** Distinguished name on one line, e.g. `CN=ACME, O=Operateur ACME, OU=e-SAV`. */
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  info: CertificateInfo;
}

export interface CertificateAuthorityOptions {
  commonName: string;
  organization?: string;
  notBefore: Date;
  notAfter: Date;
}

export interface ServerCertificateOptions {
  commonName: string;
  /** DNS names or IP literals; IP literals become iPAddress SANs. */
  hosts: string[];
  notBefore: Date;
  notAfter: Date;
}

export interface ClientCertificateOptions {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  notBefore: Date;
  notAfter: Date;
}

interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

interface SubjectFields {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
}

// GeneralName tags from RFC 5280 §4.2.1.6.
const SAN_DNS = 2;
const SAN_IP = 7;

export function createCertificateAuthority(opts: CertificateAuthorityOptions): CertificateAuthority {
  const keys = generateRsaKeyPair();
  const cert = newCertificate(keys.publicKeyPem, opts.notBefore, opts.notAfter);
  const name = distinguishedName(opts);
  cert.setSubject(name);
  cert.setIssuer(name);
  // subjectKeyIdentifier is derived from cert.publicKey, so the key must be set first.
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

export function issueServerCertificate(
  ca: CertificateAuthority,
  opts: ServerCertificateOptions,
): IssuedCertificate {
  if (opts.hosts.length === 0) {
    // Modern TLS clients ignore the CN, so a server certificate without SANs is unusable.
    throw new Error('issueServerCertificate: at least one host is required');
  }
  return issueLeaf(ca, { commonName: opts.commonName }, opts.notBefore, opts.notAfter, [
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: opts.hosts.map(subjectAltName) },
  ]);
}

export function issueClientCertificate(
  ca: CertificateAuthority,
  opts: ClientCertificateOptions,
): IssuedCertificate {
  return issueLeaf(ca, opts, opts.notBefore, opts.notAfter, [
    { name: 'extKeyUsage', clientAuth: true },
  ]);
}

export function describeCertificate(certPem: string): CertificateInfo {
  const x509 = new X509Certificate(certPem);
  return {
    fingerprint256: normaliseFingerprint(x509.fingerprint256),
    serialNumber: x509.serialNumber.toLowerCase(),
    subject: oneLineName(x509.subject),
    issuer: oneLineName(x509.issuer),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
}

export function fingerprint256(certPemOrDer: string | Buffer): string {
  return normaliseFingerprint(new X509Certificate(certPemOrDer).fingerprint256);
}

/** `AB:CD:...` (node's format) -> `abcd...`, the form stored and compared everywhere. */
export function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

// Builds, signs and describes an end-entity certificate; the usages common to
// both server and client certificates are added here.
function issueLeaf(
  ca: CertificateAuthority,
  subject: SubjectFields,
  notBefore: Date,
  notAfter: Date,
  extraExtensions: object[],
): IssuedCertificate {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = generateRsaKeyPair();
  const cert = newCertificate(keys.publicKeyPem, notBefore, notAfter);
  cert.setSubject(distinguishedName(subject));
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    ...extraExtensions,
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId(caCert) },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { certPem, keyPem: keys.privateKeyPem, info: describeCertificate(certPem) };
}

function newCertificate(publicKeyPem: string, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  return cert;
}

function generateRsaKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

// Serial numbers are DER INTEGERs: clearing the top bit keeps them positive, and
// a non-zero first byte keeps the encoding minimal (a leading 0x00 followed by a
// byte below 0x80 is invalid DER that strict parsers reject).
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) || 0x01;
  return bytes.toString('hex');
}

function distinguishedName(fields: SubjectFields): forge.pki.CertificateField[] {
  const attrs: forge.pki.CertificateField[] = [{ shortName: 'CN', value: fields.commonName }];
  if (fields.organization !== undefined) attrs.push({ shortName: 'O', value: fields.organization });
  if (fields.organizationalUnit !== undefined) {
    attrs.push({ shortName: 'OU', value: fields.organizationalUnit });
  }
  return attrs;
}

// The authority key identifier must match the CA's own subjectKeyIdentifier
// (forge's `keyIdentifier: true` would hash the *subject's* key instead), so
// prefer the identifier recorded in the CA certificate and only recompute it
// for CAs that lack the extension.
function authorityKeyId(caCert: forge.pki.Certificate): string {
  const ski = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  if (ski?.subjectKeyIdentifier) return forge.util.hexToBytes(ski.subjectKeyIdentifier);
  return caCert.generateSubjectKeyIdentifier().getBytes();
}

function subjectAltName(host: string): { type: number; value?: string; ip?: string } {
  switch (isIP(host)) {
    case 4:
      return { type: SAN_IP, ip: host };
    case 6:
      return { type: SAN_IP, ip: canonicalIPv6(host) };
    default:
      return { type: SAN_DNS, value: host };
  }
}

// forge decides between IPv4 and IPv6 by looking for a '.', which misreads
// IPv4-mapped forms such as ::ffff:1.2.3.4; the URL parser rewrites those into
// pure hexadecimal groups.
function canonicalIPv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

// node renders distinguished names one attribute per line.
function oneLineName(name: string): string {
  return name.split('\n').filter((part) => part.length > 0).join(', ');
}
