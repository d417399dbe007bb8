// SQL of the conformance evidence (migration 0008): the log of served calls per operator and
// certificate, and the campaigns (windows) the conformance kit opens and closes.
import type { ConformanceDomain } from '../../domain/conformance.js';
import type {
  Campaign,
  ConformanceCampaignRepository,
  ServedCount,
  ServedOperation,
  ServedOperationsRepository,
} from '../../application/conformance-ports.js';
import type { Database } from './db.js';

export class SqlServedOperationsRepository implements ServedOperationsRepository {
  constructor(private readonly db: Database) {}

  /** One multi-row insert for a batch. */
  async insert(batch: readonly ServedOperation[]): Promise<void> {
    if (batch.length === 0) return;
    await this.db.query(
      `INSERT INTO served_operations (served_at, operator_code, certificate_fingerprint, path, operation, outcome, id_requete)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
      [
        batch.map((s) => s.at.toISOString()),
        batch.map((s) => s.operatorCode),
        batch.map((s) => s.certificateFingerprint),
        batch.map((s) => s.path),
        batch.map((s) => s.operation ?? null),
        batch.map((s) => s.outcome),
        batch.map((s) => s.requestId),
      ],
    );
  }

  /** What was served to that operator and certificate in [from, to], by path, operation and outcome. */
  async counts(operatorCode: string, certificateFingerprint: string, from: Date, to: Date): Promise<ServedCount[]> {
    const rows = await this.db.query<{ path: string; operation: string | null; outcome: string; count: number }>(
      `SELECT path, operation, outcome, count(*)::int AS count FROM served_operations
        WHERE operator_code = $1 AND certificate_fingerprint = $2 AND served_at >= $3 AND served_at <= $4
        GROUP BY path, operation, outcome ORDER BY path, operation, outcome`,
      [operatorCode, certificateFingerprint, from.toISOString(), to.toISOString()],
    );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  /** Removes the rows served before `before`; returns how many. */
  async purge(before: Date): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'WITH gone AS (DELETE FROM served_operations WHERE served_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
      [before.toISOString()],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

interface CampaignRow {
  id: number;
  operator_code: string;
  certificate_fingerprint: string;
  domains: ConformanceDomain[];
  opened_at: Date;
  closed_at: Date | null;
  run_id: number | null;
  evidence: unknown;
}

const toCampaign = (r: CampaignRow): Campaign => ({
  id: Number(r.id),
  operatorCode: r.operator_code,
  certificateFingerprint: r.certificate_fingerprint,
  domains: r.domains,
  openedAt: new Date(r.opened_at),
  closedAt: r.closed_at ? new Date(r.closed_at) : null,
  runId: r.run_id === null ? null : Number(r.run_id),
  evidence: r.evidence,
});

export class SqlConformanceCampaignRepository implements ConformanceCampaignRepository {
  constructor(private readonly db: Database) {}

  async open(operatorCode: string, certificateFingerprint: string, domains: ConformanceDomain[], at: Date): Promise<Campaign> {
    const [row] = await this.db.query<CampaignRow>(
      `INSERT INTO conformance_campaigns (operator_code, certificate_fingerprint, domains, opened_at)
       VALUES ($1, $2, $3, $4) RETURNING *`,
      [operatorCode, certificateFingerprint, domains, at.toISOString()],
    );
    return toCampaign(row!);
  }

  /** The operator's campaign (another operator's is not found). */
  async find(operatorCode: string, id: number): Promise<Campaign | undefined> {
    const [row] = await this.db.query<CampaignRow>('SELECT * FROM conformance_campaigns WHERE id = $1 AND operator_code = $2', [id, operatorCode]);
    return row ? toCampaign(row) : undefined;
  }

  /** The campaign that recorded a run. */
  async findByRun(runId: number): Promise<Campaign | undefined> {
    const [row] = await this.db.query<CampaignRow>('SELECT * FROM conformance_campaigns WHERE run_id = $1', [runId]);
    return row ? toCampaign(row) : undefined;
  }

  /**
   * Claims an open campaign for closing, once: sets closed_at and returns it, or undefined when it
   * is unknown, another operator's, or already closed (a concurrent or repeated submission).
   */
  async claimForClosing(operatorCode: string, id: number, at: Date): Promise<Campaign | undefined> {
    const [row] = await this.db.query<CampaignRow>(
      `UPDATE conformance_campaigns SET closed_at = $3 WHERE id = $1 AND operator_code = $2 AND closed_at IS NULL RETURNING *`,
      [id, operatorCode, at.toISOString()],
    );
    return row ? toCampaign(row) : undefined;
  }

  /** Stores what a closed campaign recorded: the run, and the gateway's evidence per domain. */
  async attach(id: number, runId: number, evidence: unknown): Promise<void> {
    await this.db.query('UPDATE conformance_campaigns SET run_id = $2, evidence = $3 WHERE id = $1', [id, runId, JSON.stringify(evidence)]);
  }
}
