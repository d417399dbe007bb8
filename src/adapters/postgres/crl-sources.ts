// The CRL sources and their last verified CRL (migration 0015, decision 0019), the certificates
// of recognised CAs they cover, and the audit of support staff's refreshes.
import type { CrlAuditEntry, CrlRepository, CrlSourceRecord, ExternalCertificate, VerifiedCrl } from '../../application/crl-ports.js';
import type { Queryable } from './db.js';
import { insertAudit } from './audit-log.js';

interface SourceRow {
  url: string;
  issuer: string | null;
  issuer_key: string | null;
  signer_fingerprint: string | null;
  this_update: Date | null;
  next_update: Date | null;
  crl_number: string | null;
  revoked_serials: string[];
  last_fetch_at: Date | null;
  last_fetch_ok: boolean | null;
  last_success_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
}

export class SqlCrlRepository implements CrlRepository {
  constructor(private readonly db: Queryable) {}

  async sources(): Promise<CrlSourceRecord[]> {
    const rows = await this.db.query<SourceRow>('SELECT * FROM crl_sources ORDER BY url');
    return rows.map((r) => ({
      url: r.url,
      issuer: r.issuer,
      issuerKey: r.issuer_key,
      signerFingerprint: r.signer_fingerprint,
      thisUpdate: r.this_update,
      nextUpdate: r.next_update,
      crlNumber: r.crl_number,
      revokedSerials: r.revoked_serials,
      lastFetchAt: r.last_fetch_at,
      lastFetchOk: r.last_fetch_ok,
      lastSuccessAt: r.last_success_at,
      lastError: r.last_error,
      lastErrorAt: r.last_error_at,
    }));
  }

  async ensureSources(urls: readonly string[]): Promise<void> {
    if (urls.length === 0) return;
    await this.db.query('INSERT INTO crl_sources (url) SELECT unnest($1::text[]) ON CONFLICT (url) DO NOTHING', [urls]);
  }

  async removeSourcesExcept(urls: readonly string[]): Promise<number> {
    const rows = await this.db.query<{ url: string }>('DELETE FROM crl_sources WHERE NOT (url = ANY($1::text[])) RETURNING url', [urls]);
    return rows.length;
  }

  async recordSuccess(url: string, crl: VerifiedCrl, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE crl_sources SET issuer = $2, issuer_key = $3, signer_fingerprint = $4, this_update = $5, next_update = $6, crl_number = $7,
         revoked_serials = $8, last_fetch_at = $9, last_fetch_ok = true, last_success_at = $9 WHERE url = $1`,
      [url, crl.issuer, crl.issuerKey, crl.signerFingerprint, crl.thisUpdate, crl.nextUpdate, crl.crlNumber, crl.revokedSerials, at],
    );
  }

  async recordFailure(url: string, error: string, at: Date): Promise<void> {
    await this.db.query('UPDATE crl_sources SET last_fetch_at = $2, last_fetch_ok = false, last_error = $3, last_error_at = $2 WHERE url = $1', [url, at, error.slice(0, 1000)]);
  }

  async externalCertificates(at: Date): Promise<ExternalCertificate[]> {
    const rows = await this.db.query<{ fingerprint_sha256: string; operator_code: string; cert_pem: string }>(
      `SELECT fingerprint_sha256, operator_code, cert_pem FROM client_certificates
        WHERE origin = 'AC_RECONNUE' AND revoked_at IS NULL AND not_after > $1 AND cert_pem IS NOT NULL ORDER BY fingerprint_sha256`,
      [at],
    );
    return rows.map((r) => ({ fingerprint: r.fingerprint_sha256, operatorCode: r.operator_code, certPem: r.cert_pem }));
  }

  async audit(entry: CrlAuditEntry): Promise<void> {
    await insertAudit(this.db, entry);
  }
}
