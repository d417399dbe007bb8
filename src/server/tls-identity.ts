// Client identity from mutual TLS.
// Admission (at the TLS layer): a connection without a client certificate, or with one no trusted
// CA signed, is closed as soon as the handshake ends, before any HTTP is read. OpenSSL's own
// verdict decides, except for one case: a certificate refused only because it expired, and
// signed by a trusted CA, is let through so the operator gets the readable fault 200.
// Resolution (per request): the certificate's SHA-256 fingerprint gives operator and profile.
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { EsavFault } from '../domain/faults.js';
import { assertCertificateUsable, type OperatorIdentity } from '../domain/identity.js';
import { normaliseFingerprint } from '../pki/certificates.js';
import type { TrustStore } from '../pki/trust-store.js';

function verifyErrorCode(socket: TLSSocket): string {
  const error = socket.authorizationError as unknown;
  if (!error) return '';
  if (typeof error === 'string') return error;
  return String((error as { code?: string }).code ?? (error as Error).message ?? error);
}

/** Why a handshake's client certificate is refused, or null when it is admitted. */
export function admissionRefusal(socket: TLSSocket, trust: TrustStore): string | null {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return 'no client certificate';
  if (socket.authorized) return null;
  const code = verifyErrorCode(socket);
  if (code === 'CERT_HAS_EXPIRED' && trust.isIssuedByTrustedCa(peer.raw)) return null;
  return `client certificate refused (${code || 'unverified'})`;
}

export function enforceTlsAdmission(server: TlsServer, trust: () => TrustStore, log: Logger): void {
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    const refusal = admissionRefusal(socket, trust());
    if (refusal) {
      log.warn({ remoteAddress: socket.remoteAddress, reason: refusal }, 'TLS connection refused');
      socket.destroy();
    }
  });
}

export type IdentityLookup = (fingerprint256: string) => Promise<OperatorIdentity | undefined>;

/** Resolves (and caches per TLS connection) the identity behind a client certificate. */
export class IdentityResolver {
  private readonly perConnection = new WeakMap<TLSSocket, OperatorIdentity>();

  constructor(private readonly lookup: IdentityLookup) {}

  async resolve(socket: TLSSocket, now: Date): Promise<OperatorIdentity> {
    let identity = this.perConnection.get(socket);
    if (!identity) {
      const peer = socket.getPeerCertificate();
      if (!peer || !peer.fingerprint256) throw new EsavFault(200, 'Certificat client absent');
      identity = await this.lookup(normaliseFingerprint(peer.fingerprint256));
      if (!identity) throw new EsavFault(200, 'Certificat client non enregistré auprès du fournisseur');
      this.perConnection.set(socket, identity);
    }
    assertCertificateUsable(identity, now);
    return identity;
  }
}
