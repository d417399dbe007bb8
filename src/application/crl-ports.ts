// What the CRL use case (src/application/crl.ts, decision 0019) needs from the outside: the CRL
// sources and the certificates of recognised CAs in PostgreSQL, the PKI (distribution points,
// fetch, verification), and the running gateway's TLS front (certificates refused).

/** One CRL distribution point and the last CRL verified from it. */
export interface CrlSourceRecord {
  url: string;
  issuer: string | null;
  issuerKey: string | null;
  signerFingerprint: string | null;
  thisUpdate: Date | null;
  nextUpdate: Date | null;
  crlNumber: string | null;
  revokedSerials: string[];
  lastFetchAt: Date | null;
  /** Whether the last attempt gave a verified CRL (null: never tried). */
  lastFetchOk: boolean | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

/** A CRL that verified: signed by a recognised CA. Serials in lowercase hex without leading zeros. */
export interface VerifiedCrl {
  issuer: string;
  issuerKey: string;
  signerFingerprint: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  crlNumber: string | null;
  revokedSerials: string[];
}

/** A registered certificate of a recognised CA, neither revoked nor expired. */
export interface ExternalCertificate {
  fingerprint: string;
  operatorCode: string;
  certPem: string;
}

/** What CRLs need of a certificate: its distribution points (http/https), serial and issuer key. */
export interface DescribedCertificate {
  urls: string[];
  serial: string;
  issuerKey: string;
}

export interface CrlAuditEntry {
  at: Date;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export interface CrlRepository {
  sources(): Promise<CrlSourceRecord[]>;
  /** Adds the URLs not known yet. */
  ensureSources(urls: readonly string[]): Promise<void>;
  /** Deletes the sources no certificate points to any more; returns how many. */
  removeSourcesExcept(urls: readonly string[]): Promise<number>;
  recordSuccess(url: string, crl: VerifiedCrl, at: Date): Promise<void>;
  recordFailure(url: string, error: string, at: Date): Promise<void>;
  /** Certificates of origin AC_RECONNUE, not revoked, not expired at `at`, with their PEM. */
  externalCertificates(at: Date): Promise<ExternalCertificate[]>;
  audit(entry: CrlAuditEntry): Promise<void>;
}

/** The PKI side (src/adapters/pki/crl.ts). Failures are thrown as errors `isCrlError` recognises. */
export interface CrlPki {
  describe(certPem: string): DescribedCertificate;
  fetch(url: string): Promise<Buffer>;
  verify(bytes: Buffer, authorityPems: readonly string[]): Promise<VerifiedCrl>;
  isCrlError(error: unknown): boolean;
}

/** The running gateway's TLS front: a named set of refused certificates (GatewayTls.setRefused). */
export interface CertificateRefusals {
  /** Replaces the set named `reason`; their handshakes are refused, their open connections closed. Returns connections closed. */
  setRefused(reason: string, fingerprints: Iterable<string>): number;
}
