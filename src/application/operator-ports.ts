// What the operator administration (src/application/operators.ts) needs from the outside: the
// operator repository, the provider's PKI, the conformance runs, and the running gateway's TLS
// front (trust reload, revocation, identity cache).
import type { Platform } from '../domain/identity.js';
import type { BonDeCommande, CertificateOrigin } from '../domain/operators.js';
import type { OperatorLifecycle } from '../domain/operator-lifecycle.js';

// ---------------------------------------------------------------- records

export interface OperatorRecord {
  code: string;
  siret: string;
  raisonSociale: string;
  platform: Platform;
  createdAt: Date;
  /** The order form; null for operators created before onboarding existed (demo data). */
  bonDeCommande: BonDeCommande | null;
  onboardedBy: string | null;
  promotedAt: Date | null;
  promotedBy: string | null;
  productionDomains: string[];
  /** Certificates neither revoked nor expired (database time). */
  activeCertificates: number;
  /** Suspension and termination (issue 14); its state at an instant is operatorState(). */
  lifecycle: OperatorLifecycle;
}

/** CSR: issued for the operator's own key; PKCS12: generated key pair; PEM: from a recognised CA; DEMO: development. */
export type CertificateDelivery = 'CSR' | 'PKCS12' | 'PEM' | 'DEMO';

export interface CertificateRecord {
  fingerprint: string;
  operatorCode: string;
  profileName: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  origin: CertificateOrigin;
  delivery: CertificateDelivery | null;
  keyDescription: string | null;
  certPem: string | null;
  registeredAt: Date;
  registeredBy: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  revocationReason: string | null;
  predecessor: string | null;
  successor: string | null;
}

export interface NewCertificate {
  fingerprint: string;
  operatorCode: string;
  profileName: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  origin: CertificateOrigin;
  delivery: CertificateDelivery;
  keyDescription: string;
  certPem: string;
  registeredAt: Date;
  registeredBy: string;
  predecessor: string | null;
}

export interface CertificateQuery {
  operatorCode?: string;
  /** Only certificates neither revoked nor expired at this instant. */
  activeAt?: Date;
  limit?: number;
}

export interface ProfileRecord {
  name: string;
  libelle: string;
  operations: string[];
  /** Retired profiles can no longer be bound (issue 14); absent or null: in service. */
  retiredAt?: Date | null;
}

export interface AuthorityRecord {
  fingerprint: string;
  subject: string;
  certPem: string;
  notAfter: Date;
  addedAt: Date;
  addedBy: string;
  withdrawnAt: Date | null;
  withdrawnBy: string | null;
}

export type NewAuthority = Pick<AuthorityRecord, 'fingerprint' | 'subject' | 'certPem' | 'notAfter' | 'addedAt' | 'addedBy'>;

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  operatorCode?: string | null;
  certificateFingerprint?: string | null;
  details?: Record<string, unknown>;
}

export interface RecordedAuditEntry extends AuditEntry {
  id: number;
  operatorCode: string | null;
  certificateFingerprint: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  operatorCode?: string;
  certificateFingerprint?: string;
  limit?: number;
}

// ---------------------------------------------------------------- ports

/** A unique constraint hit: an operator code or SIRET taken, a certificate already renewed. */
export class OperatorConflict extends Error {
  constructor(
    readonly constraint: string,
    message: string,
  ) {
    super(message);
    this.name = 'OperatorConflict';
  }
}

export interface OperatorAdminRepository {
  transaction<T>(work: (repository: OperatorAdminRepository) => Promise<T>): Promise<T>;
  profiles(): Promise<ProfileRecord[]>;
  createOperator(form: BonDeCommande, by: string, at: Date): Promise<OperatorRecord>;
  operator(code: string): Promise<OperatorRecord | undefined>;
  operators(): Promise<OperatorRecord[]>;
  promote(code: string, domains: readonly string[], by: string, at: Date): Promise<OperatorRecord>;
  addCertificate(c: NewCertificate): Promise<boolean>;
  certificate(fingerprint: string): Promise<CertificateRecord | undefined>;
  fingerprintsStartingWith(prefix: string, limit?: number): Promise<string[]>;
  certificates(query: CertificateQuery): Promise<CertificateRecord[]>;
  revoke(fingerprint: string, at: Date, by: string, reason: string): Promise<boolean>;
  setProfile(fingerprint: string, profileName: string): Promise<void>;
  revokedFingerprints(at: Date): Promise<string[]>;
  /** Certificates (not revoked, not expired at `at`) of operators suspended or terminated at `at`: refused like revoked ones. */
  blockedFingerprints(at: Date): Promise<string[]>;
  addAuthority(a: NewAuthority): Promise<boolean>;
  withdrawAuthority(fingerprint: string, at: Date, by: string): Promise<boolean>;
  authorities(includeWithdrawn?: boolean): Promise<AuthorityRecord[]>;
  audit(entry: AuditEntry): Promise<void>;
  auditLog(query: AuditQuery): Promise<RecordedAuditEntry[]>;
}

export interface IssuedCertificate {
  certPem: string;
  fingerprint: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  keyDescription: string;
}

export interface InspectedCertificate extends IssuedCertificate {
  problems: string[];
  warnings: string[];
  chain: string[];
  origin: CertificateOrigin;
}

export interface InspectedAuthority {
  certPem: string;
  fingerprint: string;
  subject: string;
  notAfter: Date;
  problems: string[];
}

export interface CertificateSubject {
  operatorCode: string;
  operatorName: string;
}

/** The provider's CA and the recognised CAs (src/adapters/pki/provider-pki.ts). Refusals are thrown as PkiError. */
export interface ProviderPki {
  /** Whether the provider's CA (with its key) is configured: issuing needs it. */
  readonly canIssue: boolean;
  /** The provider CA certificate (PEM), when known. */
  readonly providerCaPem: string | undefined;
  issueFromCsr(csrPem: string, subject: CertificateSubject, validity: { notBefore: Date; notAfter: Date }): IssuedCertificate;
  issuePkcs12(
    subject: CertificateSubject,
    validity: { notBefore: Date; notAfter: Date },
    password: string,
  ): IssuedCertificate & { pkcs12: Buffer };
  inspectClientCertificate(pem: string, trustedPems: readonly string[], at: Date): InspectedCertificate;
  inspectAuthority(pem: string, trustedPems: readonly string[], at: Date): InspectedAuthority;
  /** Fingerprint (lowercase hex), subject and end of validity of a CA certificate. */
  describe(pem: string): { fingerprint: string; subject: string; notAfter: Date };
}

/** The conformance runs promotion checks (SqlConformanceRunRepository). */
export interface ConformanceEvidence {
  passedDomains(operatorCode: string): Promise<Set<string>>;
}

/** The running gateway's TLS front: what takes effect without a restart. */
export interface GatewayTlsControl {
  /** The trusted client CAs changed: new handshakes use them; connections no longer trusted are closed. */
  setAuthorities(caPems: readonly string[]): void;
  /** The revoked certificates: their handshakes are refused and their open connections closed. Returns connections closed. */
  setRevoked(fingerprints: Iterable<string>): number;
  /** Operators, profiles or bindings changed: identities cached per connection are looked up again. */
  identitiesChanged(): void;
}
