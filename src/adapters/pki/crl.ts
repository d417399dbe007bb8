// Certificate revocation lists of the recognised CAs (issue 14 point 4, decision 0019), with PKI.js
// (node-forge does not parse CRLs; node:crypto has no CRL object):
// - the CRL distribution points of a client certificate (X.509 extension 2.5.29.31): the http(s)
//   URIs of their full names, with the certificate's serial and the key of its issuer's name;
// - a CRL fetched from one of them: parsed (DER or PEM), then verified — its issuer must be a
//   recognised CA (same name, DER compared) whose key verifies the signature. A CRL that does not
//   verify is an error, never used.
// - fetching over HTTP/HTTPS with a timeout and a size limit.
// Issuer names are compared by the SHA-256 of their DER (`issuerKey`): the certificates' and the
// CRLs' are the same bytes when the same CA writes both.
import { createHash, X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { CrlPki, DescribedCertificate, VerifiedCrl } from '../../application/crl-ports.js';
import { normaliseFingerprint } from './certificates.js';

/** A CRL that cannot be used: unreadable, not signed by a recognised CA, bad signature, fetch failed. */
export class CrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrlError';
  }
}

const CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const CRL_NUMBER = '2.5.29.20';
const URI = 6;

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.5': 'serialNumber',
  '2.5.4.97': 'organizationIdentifier',
};

const derOf = (pem: string): Buffer => new X509Certificate(pem).raw;
const sha256 = (bytes: ArrayBuffer | Uint8Array): string => createHash('sha256').update(new Uint8Array(bytes)).digest('hex');
const nameKey = (name: pkijs.RelativeDistinguishedNames): string => sha256(name.toSchema().toBER());

/** `CN=…, O=…` from a parsed name (the order of the certificate). */
function oneLine(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${SHORT_NAMES[tv.type] ?? tv.type}=${String((tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value ?? '')}`)
    .join(', ');
}

/** Lowercase hex without leading zeros: the form serials are compared in. */
export function normaliseSerial(hex: string): string {
  const stripped = hex.replace(/[:\s]/g, '').toLowerCase().replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

const hexOf = (integer: { valueBlock: { valueHexView: Uint8Array } }): string => normaliseSerial(Buffer.from(integer.valueBlock.valueHexView).toString('hex'));

function certificateOf(pemOrDer: string | Buffer): pkijs.Certificate {
  return pkijs.Certificate.fromBER(typeof pemOrDer === 'string' ? derOf(pemOrDer) : pemOrDer);
}

/** A CRL as fetched: DER, or PEM (`-----BEGIN X509 CRL-----`). */
function crlDer(bytes: Buffer): Buffer {
  const text = bytes.subarray(0, 64).toString('latin1');
  if (!text.includes('-----BEGIN')) return bytes;
  const match = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(bytes.toString('latin1'));
  if (!match) throw new CrlError('LCR illisible : PEM sans bloc « X509 CRL »');
  return Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
}

/** The distribution points (http/https URIs), serial and issuer key of a client certificate. */
export function describeForCrl(certPem: string): DescribedCertificate {
  const certificate = certificateOf(certPem);
  const urls: string[] = [];
  for (const extension of certificate.extensions ?? []) {
    if (extension.extnID !== CRL_DISTRIBUTION_POINTS) continue;
    const parsed = extension.parsedValue as pkijs.CRLDistributionPoints | undefined;
    for (const point of parsed?.distributionPoints ?? []) {
      // A full name is a list of GeneralName; a name relative to the issuer is not followed.
      if (!Array.isArray(point.distributionPoint)) continue;
      for (const name of point.distributionPoint) {
        if (name.type === URI && typeof name.value === 'string' && /^https?:\/\//i.test(name.value) && !urls.includes(name.value)) urls.push(name.value);
      }
    }
  }
  return { urls, serial: hexOf(certificate.serialNumber), issuerKey: nameKey(certificate.issuer) };
}

/** Parses `bytes` and verifies them against the recognised CAs; throws CrlError when it cannot be used. */
export async function verifyCrl(bytes: Buffer, authorityPems: readonly string[]): Promise<VerifiedCrl> {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(crlDer(bytes));
  } catch (error) {
    throw new CrlError(`LCR illisible (ni DER ni PEM d’une CertificateList) : ${error instanceof Error ? error.message : String(error)}`);
  }
  const issuer = oneLine(crl.issuer);
  const issuerKey = nameKey(crl.issuer);
  const candidates = authorityPems
    .map((pem) => ({ pem, certificate: certificateOf(pem) }))
    .filter((a) => nameKey(a.certificate.subject) === issuerKey);
  if (candidates.length === 0) throw new CrlError(`LCR refusée : son émetteur « ${issuer} » n’est pas une AC reconnue`);
  let signer: string | undefined;
  for (const candidate of candidates) {
    let valid = false;
    try {
      valid = await crl.verify({ issuerCertificate: candidate.certificate });
    } catch {
      valid = false;
    }
    if (valid) {
      signer = normaliseFingerprint(new X509Certificate(candidate.pem).fingerprint256);
      break;
    }
  }
  if (!signer) throw new CrlError(`LCR refusée : signature invalide (elle n’est pas signée par la clé de l’AC reconnue « ${issuer} »)`);
  const numberExtension = crl.crlExtensions?.extensions.find((e) => e.extnID === CRL_NUMBER);
  const number = numberExtension?.parsedValue as { valueBlock?: { valueHexView: Uint8Array } } | undefined;
  return {
    issuer,
    issuerKey,
    signerFingerprint: signer,
    thisUpdate: crl.thisUpdate.value,
    nextUpdate: crl.nextUpdate?.value ?? null,
    crlNumber: number?.valueBlock ? hexOf(number as { valueBlock: { valueHexView: Uint8Array } }) : null,
    revokedSerials: (crl.revokedCertificates ?? []).map((r) => hexOf(r.userCertificate)),
  };
}

export interface CrlFetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

/** GET `url` (http or https, redirects followed), at most `maxBytes`, within `timeoutMs`; CrlError otherwise. */
export async function fetchCrl(url: string, limits: CrlFetchLimits): Promise<Buffer> {
  if (!/^https?:\/\//i.test(url)) throw new CrlError(`protocole non pris en charge : ${url} (http ou https seulement)`);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/pkix-crl, application/x-pkcs7-crl, */*' } });
  } catch (error) {
    // Duck-typed: fetch's TypeError may come from another realm (its `cause` says why: ECONNREFUSED…).
    const failure = error as { message?: unknown; cause?: { message?: unknown } } | undefined;
    const cause = String(failure?.cause?.message ?? failure?.message ?? error);
    throw new CrlError(signal.aborted ? `source injoignable : pas de réponse en ${limits.timeoutMs} ms` : `source injoignable : ${cause}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new CrlError(`source en erreur : HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new CrlError(`LCR trop volumineuse : ${declared} octets (au plus ${limits.maxBytes})`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new CrlError(`LCR trop volumineuse : plus de ${limits.maxBytes} octets`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof CrlError) throw error;
    throw new CrlError(signal.aborted ? `source injoignable : LCR non reçue en ${limits.timeoutMs} ms` : `lecture interrompue : ${String((error as { message?: unknown } | undefined)?.message ?? error)}`);
  }
  return Buffer.concat(chunks);
}

/** The CRL adapter as the use case sees it (src/application/crl.ts). */
export function crlPki(limits: CrlFetchLimits): CrlPki {
  return {
    describe: describeForCrl,
    verify: verifyCrl,
    fetch: (url) => fetchCrl(url, limits),
    isCrlError: (error) => error instanceof CrlError,
  };
}
