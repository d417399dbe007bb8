// The operators' TLS front as support staff change it without a restart (decision 0009):
// - the trusted client CAs: `server.setSecureContext()` for new handshakes; open connections
//   whose chain no longer reaches a trusted CA are closed (setSecureContext does not touch them);
// - revoked certificates: refused at the handshake, and their open (keep-alive) connections
//   closed — admitted TLS sockets are tracked by certificate fingerprint for that;
// - identities cached per connection: invalidated after any change of operator, profile,
//   binding or revocation, so a cached identity never outlives the change.
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate, Server as TlsServer, TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { normaliseFingerprint } from '../pki/certificates.js';
import { TrustStore } from '../pki/trust-store.js';
import { enforceTlsAdmission, type IdentityResolver } from './tls-identity.js';

const fingerprintOf = (pemOrDer: string | Buffer): string => normaliseFingerprint(new X509Certificate(pemOrDer).fingerprint256);

interface Tracked {
  fingerprint: string;
  /** The client certificate (DER). */
  raw: Buffer;
  /** Fingerprints of the CAs of its chain (issuers up to the root, as node completes it from the trust store). */
  chain: string[];
}


/** The gateway's server certificate and key, and the CAs whose client certificates are accepted. */
export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** The CAs whose client certificates are accepted. */
  caPems: string[];
}

export class GatewayTls {
  private trust: TrustStore;
  private caPems: string[];
  private trustedFingerprints: Set<string>;
  private revoked = new Set<string>();
  /** Other reasons to refuse certificates, by name (the CRLs of recognised CAs: decision 0019). */
  private readonly refusedBy = new Map<string, Set<string>>();
  private readonly byFingerprint = new Map<string, Set<TLSSocket>>();
  private readonly tracked = new Map<TLSSocket, Tracked>();
  private server: TlsServer | undefined;
  private identities: IdentityResolver | undefined;

  constructor(
    private readonly material: TlsMaterial,
    private readonly log: Logger,
  ) {
    this.caPems = [...material.caPems];
    this.trust = new TrustStore(this.caPems);
    this.trustedFingerprints = new Set(this.caPems.map(fingerprintOf));
  }

  /** The CAs currently trusted for client certificates. */
  get authorities(): readonly string[] {
    return this.caPems;
  }

  /** Takes over admission on `server` (instead of enforceTlsAdmission alone) and applies the current trust. */
  attach(server: TlsServer, identities: IdentityResolver): void {
    this.server = server;
    this.identities = identities;
    enforceTlsAdmission(server, () => this.trust, this.log, {
      isRevoked: (fingerprint) => this.isRefused(fingerprint),
      admitted: (socket) => this.track(socket),
    });
    server.setSecureContext(this.contextOptions());
  }

  setAuthorities(caPems: readonly string[]): void {
    const fingerprints = caPems.map(fingerprintOf);
    const unchanged = fingerprints.length === this.trustedFingerprints.size && fingerprints.every((f) => this.trustedFingerprints.has(f));
    this.caPems = [...caPems];
    this.trust = new TrustStore(this.caPems);
    this.trustedFingerprints = new Set(fingerprints);
    if (unchanged || !this.server) return;
    // New handshakes only; existing connections are judged below.
    this.server.setSecureContext(this.contextOptions());
    let closed = 0;
    for (const [socket, tracked] of this.tracked) {
      // Without a chain (an expired certificate admitted for fault 200), its signature decides.
      const trusted = tracked.chain.length > 0 ? tracked.chain.some((f) => this.trustedFingerprints.has(f)) : this.trust.isIssuedByTrustedCa(tracked.raw);
      if (!trusted) {
        socket.destroy();
        closed++;
      }
    }
    this.log.info({ authorities: this.caPems.length, connectionsClosed: closed }, 'trusted client CAs reloaded');
  }

  /** Replaces the set of revoked certificates; closes the open connections of those newly revoked. */
  setRevoked(fingerprints: Iterable<string>): number {
    const next = new Set(fingerprints);
    let closed = 0;
    for (const fingerprint of next) closed += this.closeConnectionsOf(fingerprint);
    this.revoked = next;
    if (closed > 0) this.log.info({ connectionsClosed: closed }, 'connections of revoked certificates closed');
    return closed;
  }

  /**
   * Replaces the set of certificates refused for `reason` (e.g. "crl": revoked by their CA's CRL),
   * kept apart from the revocations of setRevoked: handshakes refused as revoked, open
   * connections of those newly refused closed. Returns how many connections were closed.
   */
  setRefused(reason: string, fingerprints: Iterable<string>): number {
    const next = new Set(fingerprints);
    const previous = this.refusedBy.get(reason);
    let closed = 0;
    for (const fingerprint of next) if (!previous?.has(fingerprint)) closed += this.closeConnectionsOf(fingerprint);
    if (next.size > 0) this.refusedBy.set(reason, next);
    else this.refusedBy.delete(reason);
    if (closed > 0) this.log.info({ connectionsClosed: closed, reason }, 'connections of refused certificates closed');
    return closed;
  }

  private isRefused(fingerprint: string): boolean {
    if (this.revoked.has(fingerprint)) return true;
    for (const set of this.refusedBy.values()) if (set.has(fingerprint)) return true;
    return false;
  }

  identitiesChanged(): void {
    this.identities?.invalidate();
  }

  /** Destroys every open connection authenticated with the certificate; returns how many. */
  closeConnectionsOf(fingerprint: string): number {
    const sockets = this.byFingerprint.get(fingerprint);
    if (!sockets) return 0;
    const count = sockets.size;
    for (const socket of [...sockets]) socket.destroy();
    return count;
  }

  /** Open connections, per certificate fingerprint (for tests and diagnostics). */
  openConnections(fingerprint?: string): number {
    if (fingerprint) return this.byFingerprint.get(fingerprint)?.size ?? 0;
    return this.tracked.size;
  }

  private contextOptions() {
    return { key: this.material.keyPem, cert: this.material.certPem, ca: this.caPems, minVersion: 'TLSv1.2' as const };
  }

  private track(socket: TLSSocket): void {
    const peer = socket.getPeerCertificate(true) as DetailedPeerCertificate;
    if (!peer?.fingerprint256) return;
    const fingerprint = normaliseFingerprint(peer.fingerprint256);
    const chain: string[] = [];
    let issuer: PeerCertificate | DetailedPeerCertificate | undefined = peer.issuerCertificate;
    for (let depth = 0; issuer && issuer.fingerprint256 && depth < 10; depth++) {
      chain.push(normaliseFingerprint(issuer.fingerprint256));
      const next: DetailedPeerCertificate | undefined = (issuer as DetailedPeerCertificate).issuerCertificate;
      if (!next || next === issuer || next.fingerprint256 === issuer.fingerprint256) break;
      issuer = next;
    }
    this.tracked.set(socket, { fingerprint, raw: peer.raw, chain });
    let sockets = this.byFingerprint.get(fingerprint);
    if (!sockets) this.byFingerprint.set(fingerprint, (sockets = new Set()));
    sockets.add(socket);
    socket.once('close', () => {
      this.tracked.delete(socket);
      const set = this.byFingerprint.get(fingerprint);
      set?.delete(socket);
      if (set && set.size === 0) this.byFingerprint.delete(fingerprint);
    });
  }
}
