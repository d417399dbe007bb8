// Client identity from mutual TLS.
// Admission (at the TLS layer): a connection without a client certificate, or with one no trusted
// CA signed, is closed as soon as the handshake ends, before any HTTP is read. OpenSSL's own
// verdict decides, except for one case: a certificate refused only because it expired, and
// signed by a trusted CA, is let through so the operator gets the readable fault 200.
// Resolution (per request): the certificate's SHA-256 fingerprint gives operator and profile.
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { EsavFault } from '../../domain/faults.js';
import { assertCertificateUsable, type OperatorIdentity } from '../../domain/identity.js';
import { normaliseFingerprint } from '../pki/certificates.js';
import type { TrustStore } from '../pki/trust-store.js';

function verifyErrorCode(socket: TLSSocket): string {
  const error = socket.authorizationError as unknown;
  if (!error) return '';
  if (typeof error === 'string') return error;
  return String((error as { code?: string }).code ?? (error as Error).message ?? error);
}

/** Why a handshake's client certificate is refused, or null when it is admitted. */
export function admissionRefusal(socket: TLSSocket, trust: TrustStore, isRevoked?: (fingerprint256: string) => boolean): string | null {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return 'no client certificate';
  // Revocation by support staff takes effect at the handshake (decision 0009).
  if (isRevoked && peer.fingerprint256 && isRevoked(normaliseFingerprint(peer.fingerprint256))) return 'client certificate revoked';
  if (socket.authorized) return null;
  const code = verifyErrorCode(socket);
  if (code === 'CERT_HAS_EXPIRED' && trust.isIssuedByTrustedCa(peer.raw)) return null;
  return `client certificate refused (${code || 'unverified'})`;
}

/** Optional admission hooks: revoked certificates (refused), admitted connections (tracked). */
export interface AdmissionHooks {
  isRevoked?(fingerprint256: string): boolean;
  admitted?(socket: TLSSocket): void;
}

export function enforceTlsAdmission(server: TlsServer, trust: () => TrustStore, log: Logger, hooks: AdmissionHooks = {}): void {
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    const refusal = admissionRefusal(socket, trust(), hooks.isRevoked);
    if (refusal) {
      log.warn({ remoteAddress: socket.remoteAddress, reason: refusal }, 'TLS connection refused');
      socket.destroy();
      return;
    }
    hooks.admitted?.(socket);
  });
}

export type IdentityLookup = (fingerprint256: string) => Promise<OperatorIdentity | undefined>;

/**
 * Resolves (and caches per TLS connection) the identity behind a client certificate. A cached
 * identity is used only while no support action changed operators, profiles or certificates
 * since it was looked up (`invalidate`, decision 0009).
 */
export class IdentityResolver {
  private readonly perConnection = new WeakMap<TLSSocket, { identity: OperatorIdentity; generation: number }>();
  private generation = 0;

  constructor(private readonly lookup: IdentityLookup) {}

  /** Identities cached so far are looked up again on their connection's next request. */
  invalidate(): void {
    this.generation++;
  }

  async resolve(socket: TLSSocket, now: Date): Promise<OperatorIdentity> {
    const cached = this.perConnection.get(socket);
    let identity = cached && cached.generation === this.generation ? cached.identity : undefined;
    if (!identity) {
      const generation = this.generation;
      const peer = socket.getPeerCertificate();
      if (!peer || !peer.fingerprint256) throw new EsavFault(200, 'Certificat client absent');
      identity = await this.lookup(normaliseFingerprint(peer.fingerprint256));
      if (!identity) throw new EsavFault(200, 'Certificat client non enregistré auprès du fournisseur');
      this.perConnection.set(socket, { identity, generation });
    }
    assertCertificateUsable(identity, now);
    return identity;
  }
}
