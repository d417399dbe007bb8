// SQL of the conformance runs: recording a run and answering what the promotion to production asks.
import type { ConformanceDomain } from '../../domain/conformance.js';
import type { ConformanceRun, ConformanceRunRepository, RecordedRun } from '../../application/conformance-ports.js';
import type { Database } from './db.js';

interface Row {
  id: number;
  operator_code: string;
  platform: 'integration' | 'production';
  domains: ConformanceDomain[];
  passed_domains: ConformanceDomain[];
  passed: boolean;
  started_at: Date;
  finished_at: Date;
  certificate_fingerprint: string | null;
  report_junit: string | null;
  report_html: string | null;
  recorded_at: Date;
}

const toRun = (r: Row): RecordedRun => ({
  id: Number(r.id),
  operatorCode: r.operator_code,
  platform: r.platform,
  domains: r.domains,
  passedDomains: r.passed_domains,
  passed: r.passed,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  certificateFingerprint: r.certificate_fingerprint,
  reportJunit: r.report_junit,
  reportHtml: r.report_html,
  recordedAt: r.recorded_at,
});

export class SqlConformanceRunRepository implements ConformanceRunRepository {
  constructor(private readonly db: Database) {}

  async record(run: ConformanceRun): Promise<RecordedRun> {
    const [row] = await this.db.query<Row>(
      `INSERT INTO conformance_runs (operator_code, platform, domains, passed_domains, passed, started_at, finished_at,
         certificate_fingerprint, report_junit, report_html)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [
        run.operatorCode,
        run.platform,
        run.domains,
        run.passedDomains,
        run.passed,
        run.startedAt,
        run.finishedAt,
        run.certificateFingerprint,
        run.reportJunit,
        run.reportHtml,
      ],
    );
    return toRun(row!);
  }

  /** One recorded run by id (whoever recorded it). */
  async find(id: number): Promise<RecordedRun | undefined> {
    const [row] = await this.db.query<Row>('SELECT * FROM conformance_runs WHERE id = $1', [id]);
    return row ? toRun(row) : undefined;
  }

  /** The operator's runs, most recent first. */
  async list(operatorCode: string, limit = 20): Promise<RecordedRun[]> {
    const rows = await this.db.query<Row>('SELECT * FROM conformance_runs WHERE operator_code = $1 ORDER BY finished_at DESC, id DESC LIMIT $2', [
      operatorCode,
      limit,
    ]);
    return rows.map(toRun);
  }

  /** Domains covered by at least one passing run of the operator on the integration platform. */
  async passedDomains(operatorCode: string): Promise<Set<ConformanceDomain>> {
    const rows = await this.db.query<{ domain: ConformanceDomain }>(
      `SELECT DISTINCT unnest(passed_domains) AS domain FROM conformance_runs
        WHERE operator_code = $1 AND platform = 'integration'`,
      [operatorCode],
    );
    return new Set(rows.map((r) => r.domain));
  }
}
