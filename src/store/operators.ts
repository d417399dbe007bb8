// SQL of the operator aggregate: operators, their profiles and registered client certificates.
import type { OperatorIdentity, Platform } from '../domain/identity.js';
import type { Database } from './db.js';

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
}

interface IdentityRow {
  code: string;
  siret: string;
  raison_sociale: string;
  platform: Platform;
  profile_name: string;
  operations: string[];
  fingerprint_sha256: string;
  not_after: Date;
  revoked_at: Date | null;
}

export class SqlOperatorRepository {
  constructor(private readonly db: Database) {}

  /** The operator and profile a registered certificate resolves to, by SHA-256 fingerprint. */
  async findIdentity(fingerprint256: string): Promise<OperatorIdentity | undefined> {
    const rows = await this.db.query<IdentityRow>(
      `SELECT o.code, o.siret, o.raison_sociale, o.platform, c.profile_name, p.operations,
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
         not_before, not_after, origin, registered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (fingerprint_sha256) DO NOTHING`,
      [c.fingerprint256, c.operatorCode, c.profileName, c.subject, c.issuer, c.serialNumber, c.notBefore, c.notAfter, c.origin, at],
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
}
