// Client certificates of operators: issuing them from the provider's CA (from an operator's CSR,
// or with a generated key pair delivered as PKCS#12), and inspecting a certificate brought from a
// recognised CA before it is registered (dates, key usage, key strength, chain of trust).
//
// node-forge builds the X.509 and PKCS#12 structures; node:crypto verifies and signs. Certificates
// are signed here over a TBSCertificate whose SubjectPublicKeyInfo is the operator's own (RSA or
// EC): forge only understands RSA keys, so its TBS is built with a placeholder key and the real
// SubjectPublicKeyInfo and signature algorithm are put in before signing.
//
// Nothing here logs, keeps or returns a private key except the one generated for a PKCS#12,
// which only leaves inside the password-protected PKCS#12.
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';
import { type CertificateAuthority, type CertificateInfo, describeCertificate } from './certificates.js';

/** A refusal with a message for support staff (French, like every message of the admin tools). */
export class PkiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PkiError';
  }
}

export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE_OID = '2.5.29.37.0';
const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};
const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

export const MIN_RSA_BITS = 2048;
export const MIN_EC_BITS = 256;
const EC_CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  secp256k1: 256,
  secp224r1: 224,
  prime192v1: 192,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

// ---------------------------------------------------------------- keys

export interface KeyStrength {
  /** e.g. `RSA 2048 bits`, `EC P-256 (prime256v1)`. */
  description: string;
  /** Why it is too weak or not accepted; undefined when acceptable. */
  problem?: string;
}

/** RSA ≥ 2048 bits or EC ≥ 256 bits; anything else is refused. */
export function keyStrength(key: KeyObject): KeyStrength {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    const description = `RSA ${bits} bits`;
    return bits >= MIN_RSA_BITS ? { description } : { description, problem: `clé trop faible : RSA ${bits} bits (${MIN_RSA_BITS} bits au moins)` };
  }
  if (type === 'ec') {
    const curve = details.namedCurve ?? 'inconnue';
    const bits = EC_CURVE_BITS[curve] ?? 0;
    const description = `EC ${curve}${bits ? ` (${bits} bits)` : ''}`;
    return bits >= MIN_EC_BITS
      ? { description }
      : { description, problem: `clé trop faible : courbe ${curve}${bits ? ` de ${bits} bits` : ''} (EC ${MIN_EC_BITS} bits au moins : P-256, P-384, P-521)` };
  }
  return { description: String(type), problem: `type de clé ${String(type)} non accepté (RSA ${MIN_RSA_BITS} bits au moins ou EC ${MIN_EC_BITS} bits au moins)` };
}

// ---------------------------------------------------------------- PEM and DER helpers

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** The DER contents of the PEM blocks of the given types, in order. */
export function pemBlocks(text: string, types: readonly string[]): Buffer[] {
  const blocks: Buffer[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    if (types.includes(match[1] ?? '')) blocks.push(Buffer.from((match[2] ?? '').replace(/\s+/g, ''), 'base64'));
  }
  return blocks;
}

export function derToPem(der: Buffer, type: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

const toBinary = (der: Buffer): string => der.toString('binary');
const fromBinary = (bytes: string): Buffer => Buffer.from(bytes, 'binary');

function parseDer(der: Buffer): forge.asn1.Asn1 {
  // BIT STRINGs are kept as bytes: a public key or a signature is data, not nested ASN.1.
  return (forge.asn1.fromDer as unknown as (b: string, o: object) => forge.asn1.Asn1)(toBinary(der), {
    strict: true,
    parseAllBytes: true,
    decodeBitStrings: false,
  });
}

function asn1Children(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] {
  return node && Array.isArray(node.value) ? (node.value as forge.asn1.Asn1[]) : [];
}

function oidOf(node: forge.asn1.Asn1 | undefined): string | undefined {
  if (!node || node.type !== forge.asn1.Type.OID || typeof node.value !== 'string') return undefined;
  return forge.asn1.derToOid(node.value);
}

/** The byte span (header included) of the TLV starting at `offset`. */
function tlvLength(der: Buffer, offset: number): number {
  const first = der[offset + 1] ?? 0;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (der[offset + 2 + i] ?? 0);
  return 2 + count + length;
}

/** The DER of the first element inside the SEQUENCE `der` (e.g. the TBS of a certificate). */
function firstInnerTlv(der: Buffer): Buffer {
  const first = der[1] ?? 0;
  const headerLength = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return der.subarray(headerLength, headerLength + tlvLength(der, headerLength));
}

// ---------------------------------------------------------------- signature algorithms

const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** The AlgorithmIdentifier the CA signs with: SHA-256 with its own key type. */
function caSignatureAlgorithm(caKey: KeyObject): forge.asn1.Asn1 {
  const { asn1 } = forge;
  if (caKey.asymmetricKeyType === 'ec') {
    return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.10045.4.3.2').getBytes()),
    ]);
  }
  if (caKey.asymmetricKeyType !== 'rsa') throw new PkiError(`clé de l’AC du fournisseur de type ${String(caKey.asymmetricKeyType)} non prise en charge (RSA ou EC)`);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.1.11').getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
}

// ---------------------------------------------------------------- CSR

export interface ParsedCsr {
  /** Subject as written in the CSR, one line (informative: the provider sets the certificate's subject). */
  subject: string;
  /** SubjectPublicKeyInfo (DER) of the operator's key. */
  spkiDer: Buffer;
  publicKey: KeyObject;
  key: KeyStrength;
}

/**
 * Reads a PKCS#10 request and checks its self-signature (the operator holds the private key) and
 * its key strength. RSA and EC keys are accepted; the private key never leaves the operator.
 */
export function parseCsr(pem: string): ParsedCsr {
  const [der] = pemBlocks(pem, ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
  if (!der) throw new PkiError('demande de certificat illisible : un bloc PEM « BEGIN CERTIFICATE REQUEST » (PKCS#10) est attendu');
  let root: forge.asn1.Asn1;
  try {
    root = parseDer(der);
  } catch {
    throw new PkiError('demande de certificat illisible : DER PKCS#10 invalide');
  }
  const [info, algorithm, signature] = asn1Children(root);
  const [, subjectNode, spkiNode] = asn1Children(info);
  if (!info || !algorithm || !signature || !subjectNode || !spkiNode || typeof signature.value !== 'string') {
    throw new PkiError('demande de certificat illisible : structure PKCS#10 inattendue');
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: fromBinary(forge.asn1.toDer(spkiNode).getBytes()), format: 'der', type: 'spki' });
  } catch {
    throw new PkiError('demande de certificat : clé publique illisible');
  }
  const algorithmOid = oidOf(asn1Children(algorithm)[0]);
  const hash = algorithmOid ? SIGNATURE_HASHES[algorithmOid] : undefined;
  if (!hash) throw new PkiError(`demande de certificat : algorithme de signature ${algorithmOid ?? '?'} non pris en charge (RSA ou ECDSA avec SHA-256/384/512)`);
  const signatureBytes = fromBinary(signature.value).subarray(1); // first byte: unused bits
  const infoDer = firstInnerTlv(der);
  let valid = false;
  try {
    valid = cryptoVerify(hash, infoDer, publicKey, signatureBytes);
  } catch {
    valid = false;
  }
  if (!valid) throw new PkiError('demande de certificat : signature invalide (la demande n’a pas été signée par la clé qu’elle contient)');
  const key = keyStrength(publicKey);
  if (key.problem) throw new PkiError(`demande de certificat refusée : ${key.problem}`);
  return { subject: nameToString(subjectNode), spkiDer: publicKey.export({ type: 'spki', format: 'der' }), publicKey, key };
}

function nameToString(name: forge.asn1.Asn1): string {
  const parts: string[] = [];
  const short: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.5': 'serialNumber' };
  for (const rdn of asn1Children(name)) {
    for (const attribute of asn1Children(rdn)) {
      const [type, value] = asn1Children(attribute);
      const oid = oidOf(type);
      if (!oid || !value || typeof value.value !== 'string') continue;
      parts.push(`${short[oid] ?? oid}=${forge.util.decodeUtf8(value.value)}`);
    }
  }
  return parts.join(', ');
}

// ---------------------------------------------------------------- issuing

export interface ClientSubject {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
}

function subjectAttributes(s: ClientSubject): forge.pki.CertificateField[] {
  const attributes: forge.pki.CertificateField[] = [{ shortName: 'CN', value: s.commonName }];
  if (s.organization) attributes.push({ shortName: 'O', value: s.organization, valueTagClass: forge.asn1.Type.UTF8 } as unknown as forge.pki.CertificateField);
  if (s.organizationalUnit) attributes.push({ shortName: 'OU', value: s.organizationalUnit });
  return attributes;
}

function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) || 0x01;
  return bytes.toString('hex');
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1). */
function keyIdentifier(spkiDer: Buffer): Buffer {
  const [, bits] = asn1Children(parseDer(spkiDer));
  const value = typeof bits?.value === 'string' ? fromBinary(bits.value).subarray(1) : spkiDer;
  return createHash('sha1').update(value).digest();
}

/**
 * A client certificate (clientAuth) signed by `ca` for the public key `spkiDer`: the subject is
 * the provider's (the operator code and name), never the CSR's.
 */
export function issueClientCertificateForKey(
  ca: CertificateAuthority,
  spkiDer: Buffer,
  subject: ClientSubject,
  validity: { notBefore: Date; notAfter: Date },
): { certPem: string; info: CertificateInfo } {
  const { asn1 } = forge;
  const caCert = new X509Certificate(ca.certPem);
  const caKey = createPrivateKey(ca.keyPem);
  const operatorKey = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });

  // forge builds the TBSCertificate; a placeholder RSA key stands in for the operator's.
  const placeholder = forge.pki.publicKeyFromPem(placeholderKey());
  const cert = forge.pki.createCertificate();
  cert.publicKey = placeholder;
  cert.serialNumber = randomSerialNumber();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  cert.setSubject(subjectAttributes(subject));
  // The issuer is copied byte for byte from the CA certificate's subject.
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    operatorKey.asymmetricKeyType === 'rsa'
      ? { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    {
      name: 'esavSubjectKeyIdentifier',
      id: '2.5.29.14',
      value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, toBinary(keyIdentifier(spkiDer))),
    },
  ];
  const caKeyId = authorityKeyId(caCert);
  if (caKeyId) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: toBinary(caKeyId) });
  cert.setExtensions(extensions);
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;

  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  // version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, extensions
  fields[2] = caSignatureAlgorithm(caKey);
  fields[3] = parseDer(caSubjectDer(caCert));
  fields[6] = parseDer(operatorKey.export({ type: 'spki', format: 'der' }));
  const tbsDer = fromBinary(asn1.toDer(tbs).getBytes());
  const signature = cryptoSign('sha256', tbsDer, caKey);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    parseDer(tbsDer),
    caSignatureAlgorithm(caKey),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${toBinary(signature)}`),
  ]);
  const certPem = derToPem(fromBinary(asn1.toDer(certificate).getBytes()), 'CERTIFICATE');
  const issued = new X509Certificate(certPem);
  if (!issued.verify(caCert.publicKey) || !issued.checkIssued(caCert)) throw new Error('issued certificate does not verify against its CA');
  return { certPem, info: describeCertificate(certPem) };
}

let placeholderPem: string | undefined;
// Any RSA public key does: it is replaced before signing. Generated once per process.
function placeholderKey(): string {
  placeholderPem ??= generateKeyPairSync('rsa', { modulusLength: 1024, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey;
  return placeholderPem;
}

/** The DER of the CA certificate's subject Name (5th field of its TBS after the version). */
function caSubjectDer(caCert: X509Certificate): Buffer {
  const [tbs] = asn1Children(parseDer(caCert.raw));
  const fields = asn1Children(tbs);
  // With the explicit version [0] first: version, serial, signature, issuer, validity, subject.
  const offset = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 0 : -1;
  const subject = fields[5 + offset];
  if (!subject) throw new Error('CA certificate without subject');
  return fromBinary(forge.asn1.toDer(subject).getBytes());
}

function authorityKeyId(caCert: X509Certificate): Buffer | undefined {
  const ski = extensionValue(caCert.raw, '2.5.29.14');
  if (!ski) return undefined;
  const node = parseDer(ski);
  return typeof node.value === 'string' ? fromBinary(node.value) : undefined;
}

export interface GeneratedKeyPairDelivery {
  certPem: string;
  info: CertificateInfo;
  /** PKCS#12 (DER): the private key, the certificate and the CA certificate, under `password`. */
  pkcs12: Buffer;
}

/**
 * A fresh RSA 2048 key pair and its certificate, delivered as a password-protected PKCS#12
 * (AES-256-CBC, PBKDF2 with HMAC-SHA-256, MAC SHA-256): the key exists only inside it.
 */
export function issueClientCertificateWithKeyPair(
  ca: CertificateAuthority,
  subject: ClientSubject,
  validity: { notBefore: Date; notAfter: Date },
  password: string,
  friendlyName: string,
): GeneratedKeyPairDelivery {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issued = issueClientCertificateForKey(ca, publicKey.export({ type: 'spki', format: 'der' }), subject, validity);
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const chain = [forge.pki.certificateFromPem(issued.certPem)];
  try {
    chain.push(forge.pki.certificateFromPem(ca.certPem));
  } catch {
    // forge reads RSA certificates only: an EC CA certificate is left out of the PKCS#12.
  }
  const p12 = forge.pkcs12.toPkcs12Asn1(forgeKey, chain, password, {
    algorithm: 'aes256',
    friendlyName,
    ...({ prfAlgorithm: 'sha256' } as object),
  } as Parameters<typeof forge.pkcs12.toPkcs12Asn1>[3]);
  return { certPem: issued.certPem, info: issued.info, pkcs12: fromBinary(forge.asn1.toDer(p12).getBytes()) };
}

// ---------------------------------------------------------------- extensions

/** The DER inside the extnValue OCTET STRING of extension `oid`, or undefined. */
export function extensionValue(certDer: Buffer, oid: string): Buffer | undefined {
  const [tbs] = asn1Children(parseDer(certDer));
  for (const field of asn1Children(tbs)) {
    if (field.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || field.type !== 3) continue;
    for (const extension of asn1Children(asn1Children(field)[0])) {
      const parts = asn1Children(extension);
      if (oidOf(parts[0]) !== oid) continue;
      const octets = parts[parts.length - 1];
      return typeof octets?.value === 'string' ? fromBinary(octets.value) : undefined;
    }
  }
  return undefined;
}

/** Names of the keyUsage bits set, or undefined when the extension is absent. */
export function keyUsageOf(certDer: Buffer): string[] | undefined {
  const der = extensionValue(certDer, '2.5.29.15');
  if (!der) return undefined;
  const node = parseDer(der);
  if (typeof node.value !== 'string') return [];
  const bytes = fromBinary(node.value).subarray(1);
  const names: string[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    if (((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) names.push(name);
  });
  return names;
}

// ---------------------------------------------------------------- inspecting

export interface ClientCertificateInspection {
  info: CertificateInfo;
  certPem: string;
  key: KeyStrength;
  /** What makes the certificate unacceptable; empty when it can be registered. */
  problems: string[];
  /** Things support staff should know (e.g. an intermediate the client must send). */
  warnings: string[];
  /** Subjects from the leaf up to the trusted root, when a chain was found. */
  chain: string[];
  /** Whether the chain goes through the provider's CA. */
  issuedByProvider: boolean;
}

const oneLine = (name: string): string => name.split('\n').filter(Boolean).join(', ');

function isValidAt(cert: X509Certificate, at: Date): boolean {
  return new Date(cert.validFrom).getTime() <= at.getTime() && at.getTime() < new Date(cert.validTo).getTime();
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

const isSelfSigned = (cert: X509Certificate): boolean => signedBy(cert, cert);

/**
 * Everything that decides whether a client certificate (PEM, optionally followed by its
 * intermediate CAs) may be registered at `at`: validity dates, clientAuth usage, key strength,
 * and a chain to a trusted self-signed root through the given trusted CAs (and the intermediates
 * sent along), as OpenSSL will build it at the handshake.
 */
export function inspectClientCertificate(
  pem: string,
  trustedPems: readonly string[],
  at: Date,
  providerCaPem?: string,
): ClientCertificateInspection {
  const blocks = pemBlocks(pem, ['CERTIFICATE']);
  const [leafDer, ...intermediateDers] = blocks;
  if (!leafDer) throw new PkiError('certificat illisible : un bloc PEM « BEGIN CERTIFICATE » est attendu');
  let leaf: X509Certificate;
  let intermediates: X509Certificate[];
  try {
    leaf = new X509Certificate(leafDer);
    intermediates = intermediateDers.map((d) => new X509Certificate(d));
  } catch {
    throw new PkiError('certificat illisible : DER X.509 invalide');
  }
  const certPem = derToPem(leafDer, 'CERTIFICATE');
  const info = describeCertificate(certPem);
  const problems: string[] = [];
  const warnings: string[] = [];

  if (at.getTime() < info.notBefore.getTime()) problems.push(`certificat pas encore valide : valide à partir du ${info.notBefore.toISOString()}`);
  if (at.getTime() >= info.notAfter.getTime()) problems.push(`certificat expiré depuis le ${info.notAfter.toISOString()}`);

  if (leaf.ca) problems.push('usage de clé : c’est un certificat d’autorité (CA:TRUE), pas un certificat client');
  const eku = leaf.keyUsage; // node: the extended key usages (OIDs)
  if (!eku || eku.length === 0) {
    problems.push('usage de clé : l’extension extendedKeyUsage doit être présente et contenir clientAuth (1.3.6.1.5.5.7.3.2)');
  } else if (!eku.includes(CLIENT_AUTH_OID) && !eku.includes(ANY_EXTENDED_KEY_USAGE_OID)) {
    problems.push(`usage de clé : extendedKeyUsage ne contient pas clientAuth (trouvé : ${eku.map((o) => EKU_NAMES[o] ?? o).join(', ')})`);
  }
  const keyUsage = keyUsageOf(leafDer);
  if (keyUsage && !keyUsage.includes('digitalSignature')) {
    problems.push(`usage de clé : keyUsage ne contient pas digitalSignature (trouvé : ${keyUsage.join(', ') || 'aucun'})`);
  }
  const key = keyStrength(leaf.publicKey);
  if (key.problem) problems.push(key.problem);

  // The chain: from the leaf, through trusted CAs or intermediates sent along, to a trusted root.
  const trusted = trustedPems.map((p) => new X509Certificate(p));
  const provider = providerCaPem ? new X509Certificate(providerCaPem) : undefined;
  const chain: string[] = [oneLine(leaf.subject)];
  let issuedByProvider = false;
  let current = leaf;
  let anchored = false;
  for (let depth = 0; depth < 8 && !anchored; depth++) {
    const trustedIssuer = trusted.find((ca) => signedBy(current, ca));
    const issuer = trustedIssuer ?? intermediates.find((ca) => ca.ca && signedBy(current, ca));
    if (!issuer) break;
    chain.push(oneLine(issuer.subject));
    if (provider && issuer.fingerprint256 === provider.fingerprint256) issuedByProvider = true;
    if (!issuer.ca) {
      problems.push(`chaîne de confiance : « ${oneLine(issuer.subject)} » n’est pas une autorité de certification`);
      break;
    }
    if (!isValidAt(issuer, at)) problems.push(`chaîne de confiance : l’autorité « ${oneLine(issuer.subject)} » n’est pas valide à cette date (${issuer.validFrom} – ${issuer.validTo})`);
    if (!trustedIssuer) warnings.push(`le client doit présenter le certificat intermédiaire « ${oneLine(issuer.subject)} » lors de la connexion TLS (ou l’ajouter aux AC reconnues)`);
    if (trustedIssuer && isSelfSigned(issuer)) anchored = true;
    else if (issuer.fingerprint256 === current.fingerprint256) break;
    current = issuer;
  }
  if (!anchored) {
    problems.push(
      `chaîne de confiance : l’émetteur « ${oneLine(current.issuer)} » n’est pas une AC reconnue (AC du fournisseur, ESAV_EXTERNAL_CA, ESAV_TLS_CA ou « ac ajouter »)`,
    );
  }
  return { info, certPem, key, problems, warnings, chain, issuedByProvider };
}

export interface AuthorityInspection {
  certPem: string;
  info: CertificateInfo;
  selfSigned: boolean;
  problems: string[];
}

/** Whether a certificate may be added to the recognised CAs: a CA, valid now, strong enough, chained to a root. */
export function inspectAuthority(pem: string, trustedPems: readonly string[], at: Date): AuthorityInspection {
  const [der] = pemBlocks(pem, ['CERTIFICATE']);
  if (!der) throw new PkiError('certificat d’AC illisible : un bloc PEM « BEGIN CERTIFICATE » est attendu');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw new PkiError('certificat d’AC illisible : DER X.509 invalide');
  }
  const certPem = derToPem(der, 'CERTIFICATE');
  const info = describeCertificate(certPem);
  const problems: string[] = [];
  if (!cert.ca) problems.push('ce n’est pas un certificat d’autorité (basicConstraints CA:TRUE attendu)');
  const usage = keyUsageOf(der);
  if (usage && !usage.includes('keyCertSign')) problems.push(`keyUsage ne contient pas keyCertSign (trouvé : ${usage.join(', ') || 'aucun'})`);
  if (!isValidAt(cert, at)) problems.push(`autorité hors de sa période de validité (${info.notBefore.toISOString()} – ${info.notAfter.toISOString()})`);
  const key = keyStrength(cert.publicKey);
  if (key.problem) problems.push(key.problem);
  const selfSigned = isSelfSigned(cert);
  if (!selfSigned) {
    const trusted = trustedPems.map((p) => new X509Certificate(p));
    if (!trusted.some((ca) => signedBy(cert, ca))) {
      problems.push(`AC intermédiaire dont l’émetteur « ${oneLine(cert.issuer)} » n’est pas reconnu : ajouter d’abord l’AC racine`);
    }
  }
  return { certPem, info, selfSigned, problems };
}
