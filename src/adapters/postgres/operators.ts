// SQL of the operator aggregate: operators (and their order form), their profiles, registered
// client certificates, the CAs recognised at run time and the audit log of support actions.
import type { OperatorIdentity, Platform } from '../../domain/identity.js';
import { PROMOTION_DOMAINS, type BonDeCommande, type CertificateOrigin, type ContactEsav, type PromotionDomain } from '../../domain/operators.js';
import type { OperatorLifecycle } from '../../domain/operator-lifecycle.js';
import { OperatorConflict } from '../../application/operator-ports.js';
import type {
  AuditEntry,
  AuditQuery,
  AuthorityRecord,
  CertificateDelivery,
  CertificateQuery,
  CertificateRecord,
  NewAuthority,
  NewCertificate,
  OperatorAdminRepository,
  OperatorRecord,
  ProfileRecord,
  RecordedAuditEntry,
} from '../../application/operator-ports.js';
import type { Database, Queryable } from './db.js';
import { insertAudit } from './audit-log.js';

export interface ProfileSeed {
  name: string;
  libelle: string;
  operations: string[];
}

export interface OperatorSeed {
  code: string;
  siret: string;
  raisonSociale: string;
  platform: Platform;
}

export interface CertificateRegistration {
  fingerprint256: string;
  operatorCode: string;
  profileName: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  origin: 'FOURNISSEUR' | 'AC_RECONNUE';
  /** Set by the demo data: how the certificate was delivered (DEMO for the development ones). */
  delivery?: CertificateDelivery;
  certPem?: string;
}

interface IdentityRow {
  code: string;
  siret: string;
  raison_sociale: string;
  platform: Platform;
  profile_name: string;
  operations: string[];
  production_domains: string[];
  fingerprint_sha256: string;
  not_after: Date;
  revoked_at: Date | null;
}

export interface OperatorRow {
  code: string;
  siret: string;
  raison_sociale: string;
  platform: Platform;
  created_at: Date;
  contract_reference: string | null;
  business_case: string | null;
  representative: string | null;
  phone: string | null;
  email: string | null;
  postal_address: string[] | null;
  esav_contact: ContactEsav | null;
  requested_access: BonDeCommande['acces'] | null;
  comments: string | null;
  onboarded_by: string | null;
  promoted_at: Date | null;
  promoted_by: string | null;
  production_domains: string[];
  active_certificates?: number;
  suspended_at: Date | null;
  suspended_by: string | null;
  suspension_reason: string | null;
  termination_date: string | null;
  termination_at: Date | null;
  termination_notified_on: string | null;
  termination_recorded_by: string | null;
  termination_reason: string | null;
}

/** The life cycle columns of an operators row (issue 14). */
export function lifecycleOf(r: OperatorRow): OperatorLifecycle {
  return {
    suspendedAt: r.suspended_at,
    suspendedBy: r.suspended_by,
    suspensionReason: r.suspension_reason,
    terminationDate: r.termination_date,
    terminationAt: r.termination_at,
    terminationNotifiedOn: r.termination_notified_on,
    terminationRecordedBy: r.termination_recorded_by,
    terminationReason: r.termination_reason,
  };
}

export function toOperator(r: OperatorRow): OperatorRecord {
  const form: BonDeCommande | null =
    r.contract_reference === null
      ? null
      : {
          codeOperateur: r.code,
          referenceContrat: r.contract_reference,
          numeroAffaire: r.business_case ?? '',
          raisonSociale: r.raison_sociale,
          siret: r.siret,
          representant: r.representative ?? '',
          telephone: r.phone ?? '',
          email: r.email ?? '',
          adresse: r.postal_address ?? [],
          contactEsav: r.esav_contact,
          acces: r.requested_access ?? 'INTEGRE',
          commentaires: r.comments,
        };
  return {
    code: r.code,
    siret: r.siret,
    raisonSociale: r.raison_sociale,
    platform: r.platform,
    createdAt: r.created_at,
    bonDeCommande: form,
    onboardedBy: r.onboarded_by,
    promotedAt: r.promoted_at,
    promotedBy: r.promoted_by,
    productionDomains: r.production_domains,
    activeCertificates: r.active_certificates ?? 0,
    lifecycle: lifecycleOf(r),
  };
}

interface CertificateRow {
  fingerprint_sha256: string;
  operator_code: string;
  profile_name: string;
  subject: string;
  issuer: string;
  serial_number: string;
  not_before: Date;
  not_after: Date;
  origin: CertificateOrigin;
  delivery: CertificateDelivery | null;
  key_description: string | null;
  cert_pem: string | null;
  registered_at: Date;
  registered_by: string | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  revocation_reason: string | null;
  predecessor_fingerprint: string | null;
  successor_fingerprint: string | null;
}

function toCertificate(r: CertificateRow): CertificateRecord {
  return {
    fingerprint: r.fingerprint_sha256,
    operatorCode: r.operator_code,
    profileName: r.profile_name,
    subject: r.subject,
    issuer: r.issuer,
    serialNumber: r.serial_number,
    notBefore: r.not_before,
    notAfter: r.not_after,
    origin: r.origin,
    delivery: r.delivery,
    keyDescription: r.key_description,
    certPem: r.cert_pem,
    registeredAt: r.registered_at,
    registeredBy: r.registered_by,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    revocationReason: r.revocation_reason,
    predecessor: r.predecessor_fingerprint,
    successor: r.successor_fingerprint,
  };
}

const CERTIFICATE_SELECT = `SELECT c.*, s.fingerprint_sha256 AS successor_fingerprint
   FROM client_certificates c
   LEFT JOIN client_certificates s ON s.predecessor_fingerprint = c.fingerprint_sha256`;

interface AuthorityRow {
  fingerprint_sha256: string;
  subject: string;
  cert_pem: string;
  not_after: Date;
  added_at: Date;
  added_by: string;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
}

const toAuthority = (r: AuthorityRow): AuthorityRecord => ({
  fingerprint: r.fingerprint_sha256,
  subject: r.subject,
  certPem: r.cert_pem,
  notAfter: r.not_after,
  addedAt: r.added_at,
  addedBy: r.added_by,
  withdrawnAt: r.withdrawn_at,
  withdrawnBy: r.withdrawn_by,
});

interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  operator_code: string | null;
  certificate_fingerprint: string | null;
  details: Record<string, unknown>;
}

/** A PostgreSQL unique violation, with the constraint it hit. */
function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? '') : undefined;
}

export class SqlOperatorRepository implements OperatorAdminRepository {
  constructor(private readonly db: Database) {}

  /** Runs `work` on a repository bound to one transaction (audit rows commit with the change). */
  async transaction<T>(work: (repository: SqlOperatorRepository) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => work(new SqlOperatorRepository(inTransaction(this.db, tx))));
  }

  /** Per operator (every one listed, 0 included): certificates not revoked, valid at `now`, expiring by `until` (the metrics gauge). */
  async certificatesExpiring(now: Date, until: Date): Promise<Array<{ operatorCode: string; count: number }>> {
    const rows = await this.db.query<{ operator_code: string; n: number }>(
      `SELECT o.code AS operator_code, count(c.fingerprint_sha256)::int AS n
         FROM operators o
         LEFT JOIN client_certificates c
           ON c.operator_code = o.code AND c.revoked_at IS NULL AND c.not_after > $1 AND c.not_after <= $2
        GROUP BY o.code`,
      [now, until],
    );
    return rows.map((r) => ({ operatorCode: r.operator_code.trim(), count: Number(r.n) }));
  }

  /** The operator and profile a registered certificate resolves to, by SHA-256 fingerprint. */
  async findIdentity(fingerprint256: string): Promise<OperatorIdentity | undefined> {
    const rows = await this.db.query<IdentityRow>(
      `SELECT o.code, o.siret, o.raison_sociale, o.platform, o.production_domains, c.profile_name, p.operations,
              c.fingerprint_sha256, c.not_after, c.revoked_at
         FROM client_certificates c
         JOIN operators o ON o.code = c.operator_code
         JOIN profiles p ON p.name = c.profile_name
        WHERE c.fingerprint_sha256 = $1`,
      [fingerprint256],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      operatorCode: r.code,
      operatorSiren: r.siret.slice(0, 9),
      operatorName: r.raison_sociale,
      operatorPlatform: r.platform,
      productionDomains: new Set(r.production_domains.filter((d): d is PromotionDomain => (PROMOTION_DOMAINS as readonly string[]).includes(d))),
      profileName: r.profile_name,
      allowedOperations: new Set(r.operations),
      certificateFingerprint: r.fingerprint_sha256,
      certificateNotAfter: r.not_after,
      certificateRevokedAt: r.revoked_at,
    };
  }

  async upsertProfile(p: ProfileSeed): Promise<void> {
    await this.db.query(
      `INSERT INTO profiles (name, libelle, operations) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET libelle = EXCLUDED.libelle, operations = EXCLUDED.operations`,
      [p.name, p.libelle, p.operations],
    );
  }

  /** Creates the operator if it does not exist; an existing one is left as it is (its platform too). */
  async ensureOperator(o: OperatorSeed): Promise<void> {
    await this.db.query(
      `INSERT INTO operators (code, siret, raison_sociale, platform) VALUES ($1, $2, $3, $4)
       ON CONFLICT (code) DO NOTHING`,
      [o.code, o.siret, o.raisonSociale, o.platform],
    );
  }

  /** Registers a client certificate (idempotent on its fingerprint). */
  async registerCertificate(c: CertificateRegistration, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO client_certificates (fingerprint_sha256, operator_code, profile_name, subject, issuer, serial_number,
         not_before, not_after, origin, registered_at, delivery, cert_pem)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (fingerprint_sha256) DO NOTHING`,
      [c.fingerprint256, c.operatorCode, c.profileName, c.subject, c.issuer, c.serialNumber, c.notBefore, c.notAfter, c.origin, at, c.delivery ?? null, c.certPem ?? null],
    );
  }

  async revokeCertificate(fingerprint256: string, at: Date): Promise<boolean> {
    const rows = await this.db.query<{ fingerprint_sha256: string }>(
      `UPDATE client_certificates SET revoked_at = $2 WHERE fingerprint_sha256 = $1 AND revoked_at IS NULL
       RETURNING fingerprint_sha256`,
      [fingerprint256, at],
    );
    return rows.length > 0;
  }

  // ---------------------------------------------------------------- support staff (issue 6)

  async profiles(): Promise<ProfileRecord[]> {
    const rows = await this.db.query<{ name: string; libelle: string; operations: string[]; retired_at: Date | null }>(
      'SELECT name, libelle, operations, retired_at FROM profiles ORDER BY name',
    );
    return rows.map((r) => ({ name: r.name, libelle: r.libelle, operations: r.operations, retiredAt: r.retired_at }));
  }

  /** Creates an operator from its order form; OperatorConflict when the code or the SIRET is taken. */
  async createOperator(form: BonDeCommande, by: string, at: Date): Promise<OperatorRecord> {
    // Checked first for a message naming the other operator; the constraints decide under a race.
    const taken = await this.db.query<{ code: string; siret: string; raison_sociale: string }>(
      'SELECT code, siret, raison_sociale FROM operators WHERE code = $1 OR siret = $2',
      [form.codeOperateur, form.siret],
    );
    const sameCode = taken.find((o) => o.code === form.codeOperateur);
    if (sameCode) throw new OperatorConflict('operators_pkey', `code opérateur ${form.codeOperateur} déjà attribué (${sameCode.raison_sociale})`);
    const sameSiret = taken.find((o) => o.siret === form.siret);
    if (sameSiret) throw new OperatorConflict('operators_siret_key', `SIRET ${form.siret} déjà enregistré pour l’opérateur ${sameSiret.code}`);
    try {
      const [row] = await this.db.query<OperatorRow>(
        `INSERT INTO operators (code, siret, raison_sociale, platform, created_at, contract_reference, business_case, representative,
           phone, email, postal_address, esav_contact, requested_access, comments, onboarded_by)
         VALUES ($1, $2, $3, 'integration', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         RETURNING *`,
        [
          form.codeOperateur,
          form.siret,
          form.raisonSociale,
          at,
          form.referenceContrat,
          form.numeroAffaire,
          form.representant,
          form.telephone,
          form.email,
          form.adresse,
          form.contactEsav === null ? null : JSON.stringify(form.contactEsav),
          form.acces,
          form.commentaires,
          by,
        ],
      );
      return toOperator(row!);
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === undefined) throw error;
      throw new OperatorConflict(
        constraint,
        constraint.includes('siret') ? `SIRET ${form.siret} déjà enregistré` : `code opérateur ${form.codeOperateur} déjà attribué`,
      );
    }
  }

  async operator(code: string): Promise<OperatorRecord | undefined> {
    const rows = await this.db.query<OperatorRow>(
      `SELECT o.*, (SELECT count(*)::int FROM client_certificates c WHERE c.operator_code = o.code AND c.revoked_at IS NULL AND c.not_after > now()) AS active_certificates
         FROM operators o WHERE o.code = $1`,
      [code],
    );
    return rows[0] ? toOperator(rows[0]) : undefined;
  }

  async operators(): Promise<OperatorRecord[]> {
    const rows = await this.db.query<OperatorRow>(
      `SELECT o.*, (SELECT count(*)::int FROM client_certificates c WHERE c.operator_code = o.code AND c.revoked_at IS NULL AND c.not_after > now()) AS active_certificates
         FROM operators o ORDER BY o.code`,
    );
    return rows.map(toOperator);
  }

  async promote(code: string, domains: readonly string[], by: string, at: Date): Promise<OperatorRecord> {
    const [row] = await this.db.query<OperatorRow>(
      `UPDATE operators SET platform = 'production', promoted_at = $2, promoted_by = $3,
              production_domains = ARRAY(SELECT DISTINCT unnest(production_domains || $4::text[]) ORDER BY 1)
        WHERE code = $1 RETURNING *`,
      [code, at, by, domains],
    );
    if (!row) throw new Error(`operator ${code} vanished`);
    return toOperator(row);
  }

  /** Inserts a certificate; false when its fingerprint is already registered. */
  async addCertificate(c: NewCertificate): Promise<boolean> {
    try {
      const rows = await this.db.query(
        `INSERT INTO client_certificates (fingerprint_sha256, operator_code, profile_name, subject, issuer, serial_number, not_before,
           not_after, origin, registered_at, registered_by, delivery, key_description, cert_pem, predecessor_fingerprint)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (fingerprint_sha256) DO NOTHING RETURNING fingerprint_sha256`,
        [
          c.fingerprint,
          c.operatorCode,
          c.profileName,
          c.subject,
          c.issuer,
          c.serialNumber,
          c.notBefore,
          c.notAfter,
          c.origin,
          c.registeredAt,
          c.registeredBy,
          c.delivery,
          c.keyDescription,
          c.certPem,
          c.predecessor,
        ],
      );
      return rows.length > 0;
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === 'client_certificates_one_successor') {
        throw new OperatorConflict(constraint, `le certificat ${c.predecessor} a déjà un successeur`);
      }
      throw error;
    }
  }

  async certificate(fingerprint: string): Promise<CertificateRecord | undefined> {
    const rows = await this.db.query<CertificateRow>(`${CERTIFICATE_SELECT} WHERE c.fingerprint_sha256 = $1`, [fingerprint]);
    return rows[0] ? toCertificate(rows[0]) : undefined;
  }

  /** Fingerprints starting with `prefix` (at most `limit`). */
  async fingerprintsStartingWith(prefix: string, limit = 2): Promise<string[]> {
    const rows = await this.db.query<{ fingerprint_sha256: string }>(
      `SELECT fingerprint_sha256 FROM client_certificates WHERE fingerprint_sha256 LIKE $1 || '%' ORDER BY fingerprint_sha256 LIMIT $2`,
      [prefix, limit],
    );
    return rows.map((r) => r.fingerprint_sha256);
  }

  async certificates(query: CertificateQuery): Promise<CertificateRecord[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.operatorCode) {
      params.push(query.operatorCode);
      conditions.push(`c.operator_code = $${params.length}`);
    }
    if (query.activeAt) {
      params.push(query.activeAt);
      conditions.push(`c.revoked_at IS NULL AND c.not_after > $${params.length}`);
    }
    params.push(query.limit ?? 500);
    const rows = await this.db.query<CertificateRow>(
      `${CERTIFICATE_SELECT} ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY c.operator_code, c.not_after DESC, c.fingerprint_sha256 LIMIT $${params.length}`,
      params,
    );
    return rows.map(toCertificate);
  }

  async revoke(fingerprint: string, at: Date, by: string, reason: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE client_certificates SET revoked_at = $2, revoked_by = $3, revocation_reason = $4
        WHERE fingerprint_sha256 = $1 AND revoked_at IS NULL RETURNING fingerprint_sha256`,
      [fingerprint, at, by, reason],
    );
    return rows.length > 0;
  }

  async setProfile(fingerprint: string, profileName: string): Promise<void> {
    await this.db.query('UPDATE client_certificates SET profile_name = $2 WHERE fingerprint_sha256 = $1', [fingerprint, profileName]);
  }

  /** Revoked certificates not yet expired at `at`: the ones whose handshakes are refused. */
  async revokedFingerprints(at: Date): Promise<string[]> {
    const rows = await this.db.query<{ fingerprint_sha256: string }>(
      'SELECT fingerprint_sha256 FROM client_certificates WHERE revoked_at IS NOT NULL AND not_after > $1',
      [at],
    );
    return rows.map((r) => r.fingerprint_sha256);
  }

  /** Certificates not revoked of operators suspended, or terminated at `at` (issue 14). */
  async blockedFingerprints(at: Date): Promise<string[]> {
    const rows = await this.db.query<{ fingerprint_sha256: string }>(
      `SELECT c.fingerprint_sha256 FROM client_certificates c JOIN operators o ON o.code = c.operator_code
        WHERE c.revoked_at IS NULL AND (o.suspended_at IS NOT NULL OR o.termination_at <= $1)`,
      [at],
    );
    return rows.map((r) => r.fingerprint_sha256);
  }

  async addAuthority(a: NewAuthority): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO recognised_authorities (fingerprint_sha256, subject, cert_pem, not_after, added_at, added_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (fingerprint_sha256) DO UPDATE SET withdrawn_at = NULL, withdrawn_by = NULL, added_at = EXCLUDED.added_at, added_by = EXCLUDED.added_by
         WHERE recognised_authorities.withdrawn_at IS NOT NULL
       RETURNING fingerprint_sha256`,
      [a.fingerprint, a.subject, a.certPem, a.notAfter, a.addedAt, a.addedBy],
    );
    return rows.length > 0;
  }

  async withdrawAuthority(fingerprint: string, at: Date, by: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE recognised_authorities SET withdrawn_at = $2, withdrawn_by = $3
        WHERE fingerprint_sha256 = $1 AND withdrawn_at IS NULL RETURNING fingerprint_sha256`,
      [fingerprint, at, by],
    );
    return rows.length > 0;
  }

  async authorities(includeWithdrawn = false): Promise<AuthorityRecord[]> {
    const rows = await this.db.query<AuthorityRow>(
      `SELECT * FROM recognised_authorities ${includeWithdrawn ? '' : 'WHERE withdrawn_at IS NULL'} ORDER BY added_at, fingerprint_sha256`,
    );
    return rows.map(toAuthority);
  }

  async audit(entry: AuditEntry): Promise<void> {
    await insertAudit(this.db, entry);
  }

  async auditLog(query: AuditQuery): Promise<RecordedAuditEntry[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (query.operatorCode) {
      params.push(query.operatorCode);
      conditions.push(`operator_code = $${params.length}`);
    }
    if (query.certificateFingerprint) {
      params.push(query.certificateFingerprint);
      conditions.push(`certificate_fingerprint = $${params.length}`);
    }
    params.push(query.limit ?? 100);
    const rows = await this.db.query<AuditRow>(
      `SELECT * FROM audit_log ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      actor: r.actor,
      action: r.action,
      operatorCode: r.operator_code,
      certificateFingerprint: r.certificate_fingerprint,
      details: r.details,
    }));
  }
}

/** A Database view of an open transaction: nested transactions run in the same one. */
function inTransaction(db: Database, tx: Queryable): Database {
  const bound: Database = {
    kind: db.kind,
    query: (sql, params) => tx.query(sql, params),
    transaction: (work) => work({ query: (sql, params) => tx.query(sql, params), exec: async (sql) => void (await tx.query(sql)) }),
    // A script may commit on its own: never inside the caller's transaction.
    script: () => Promise.reject(new Error('no script inside a transaction')),
    close: async () => undefined,
  };
  return bound;
}
