// SQL of the prestations import (decision 0017): one transaction per import; the valid lines are
// staged in batches (one INSERT … SELECT FROM unnest(arrays) per batch) into a temporary table of
// that transaction, the refused ones into prestation_import_rejects; duplicates within the file and
// prestations of another operator are found on the staged lines in SQL; one set-based upsert at
// the end. Memory stays bounded by a batch whatever the file's size.
import type { ImportFormat, ImportedPrestation, OperatorDirectory, RefusedLine } from '../../domain/prestation-import.js';
import type { ParisDay } from '../../domain/paris-calendar.js';
import type {
  ImportAudit,
  ImportCounts,
  ImportRecord,
  ImportState,
  PrestationImportRepository,
  PrestationImportSession,
  StoredPrestation,
} from '../../application/prestation-import-ports.js';
import type { Database, Queryable } from './db.js';
import { PRESTATION_COLUMNS, toPrestation, type PrestationRow } from './prestations.js';
import { insertAudit } from './audit-log.js';

const STAGING = 'prestation_import_staging';
/** The one writing import at a time (transaction-level advisory lock). */
const IMPORT_LOCK = "hashtext('esav:prestation-import')";

// Compared and written columns (operator_code is never changed by an import: such a line is refused).
const DATA_COLUMNS = ['offer_code', 'code_insee', 'gtr_code', 'extremites', 'informations', 'date_activation', 'date_resiliation'] as const;
const rowOf = (alias: string) => `(${DATA_COLUMNS.map((c) => `${alias}.${c}`).join(', ')})`;

interface ImportRow {
  id: string;
  state: ImportState;
  simulation: boolean;
  format: ImportFormat;
  agent: string;
  max_refused: number | null;
  started_at: Date;
  updated_at: Date;
  ended_at: Date | null;
  bytes_read: number;
  lines_read: number;
  lines_accepted: number;
  lines_refused: number;
  created: number;
  updated: number;
  unchanged: number;
  reason: string | null;
}

const toRecord = (r: ImportRow): ImportRecord => ({
  id: r.id,
  state: r.state,
  simulation: r.simulation,
  format: r.format,
  agent: r.agent,
  maxRefused: r.max_refused,
  startedAt: new Date(r.started_at),
  updatedAt: new Date(r.updated_at),
  endedAt: r.ended_at ? new Date(r.ended_at) : null,
  counts: {
    bytesRead: Number(r.bytes_read),
    linesRead: r.lines_read,
    accepted: r.lines_accepted,
    refused: r.lines_refused,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
  },
  reason: r.reason,
});

const COUNTS_SET = `bytes_read = $2, lines_read = $3, lines_accepted = $4, lines_refused = $5, created = $6, updated = $7, unchanged = $8, updated_at = $9`;
const countsParams = (id: string, c: ImportCounts, at: Date) => [id, c.bytesRead, c.linesRead, c.accepted, c.refused, c.created, c.updated, c.unchanged, at];

const auditImport = (q: Queryable, at: Date, audit: ImportAudit, operatorCode: string | null = null): Promise<void> =>
  insertAudit(q, { at, actor: audit.actor, action: audit.action, operatorCode, details: audit.details });

class SqlImportSession implements PrestationImportSession {
  constructor(
    private readonly tx: Queryable,
    /** Where the progress is written: the pool (autocommit, seen at once by every process) or the transaction (PGlite: one session). */
    private readonly progressTarget: Queryable,
    private readonly importId: string,
  ) {}

  async stage(lines: readonly ImportedPrestation[]): Promise<void> {
    await this.tx.query(
      `INSERT INTO ${STAGING}
       SELECT l, i, o, f, insee, g, e::jsonb, inf::jsonb, da::date, dr::date
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
              AS u(l, i, o, f, insee, g, e, inf, da, dr)`,
      [
        lines.map((p) => p.line),
        lines.map((p) => p.identifiant),
        lines.map((p) => p.operatorCode),
        lines.map((p) => p.offerCode),
        lines.map((p) => p.codeInsee),
        lines.map((p) => p.gtrCode),
        lines.map((p) => JSON.stringify(p.extremites)),
        lines.map((p) => JSON.stringify(p.informations)),
        lines.map((p) => p.dateActivation),
        lines.map((p) => p.dateResiliation),
      ],
    );
  }

  async refuse(lines: readonly RefusedLine[]): Promise<void> {
    await this.tx.query(
      `INSERT INTO prestation_import_rejects (import_id, line, identifiant, field, reason)
       SELECT $1, l, i, f, r FROM unnest($2::int[], $3::text[], $4::text[], $5::text[]) AS u(l, i, f, r)`,
      [this.importId, lines.map((l) => l.line), lines.map((l) => l.identifiant), lines.map((l) => l.field), lines.map((l) => l.reason)],
    );
  }

  async progress(counts: ImportCounts, at: Date): Promise<void> {
    await this.progressTarget.query(`UPDATE prestation_imports SET ${COUNTS_SET} WHERE id = $1 AND state = 'RUNNING'`, countsParams(this.importId, counts, at));
  }

  async refuseConflicts(): Promise<number> {
    const duplicates = await this.tx.query<{ n: number }>(
      `WITH dup AS (
         SELECT line, identifiant, count(*) OVER w AS n, min(line) OVER w AS first
           FROM ${STAGING} WINDOW w AS (PARTITION BY identifiant)
       ), refused AS (
         INSERT INTO prestation_import_rejects (import_id, line, identifiant, field, reason)
         SELECT $1, line, identifiant, 'identifiant',
                'identifiant en double dans le fichier (' || n || ' lignes, la première : ' || first || ')'
           FROM dup WHERE n > 1
         RETURNING line
       ), gone AS (
         DELETE FROM ${STAGING} s USING refused r WHERE s.line = r.line RETURNING 1
       )
       SELECT count(*)::int AS n FROM gone`,
      [this.importId],
    );
    const others = await this.tx.query<{ n: number }>(
      `WITH refused AS (
         INSERT INTO prestation_import_rejects (import_id, line, identifiant, field, reason)
         SELECT $1, s.line, s.identifiant, 'operateur', 'prestation d’un autre opérateur (' || p.operator_code || ')'
           FROM ${STAGING} s JOIN prestations p ON p.identifiant = s.identifiant
          WHERE p.operator_code <> s.operator_code
         RETURNING line
       ), gone AS (
         DELETE FROM ${STAGING} s USING refused r WHERE s.line = r.line RETURNING 1
       )
       SELECT count(*)::int AS n FROM gone`,
      [this.importId],
    );
    return (duplicates[0]?.n ?? 0) + (others[0]?.n ?? 0);
  }

  async compare(): Promise<{ created: number; updated: number; unchanged: number }> {
    const rows = await this.tx.query<{ created: number; updated: number; unchanged: number }>(
      `SELECT count(*) FILTER (WHERE p.identifiant IS NULL)::int AS created,
              count(*) FILTER (WHERE p.identifiant IS NOT NULL AND ${rowOf('p')} IS DISTINCT FROM ${rowOf('s')})::int AS updated,
              count(*) FILTER (WHERE p.identifiant IS NOT NULL AND ${rowOf('p')} IS NOT DISTINCT FROM ${rowOf('s')})::int AS unchanged
         FROM ${STAGING} s LEFT JOIN prestations p ON p.identifiant = s.identifiant`,
    );
    return rows[0] ?? { created: 0, updated: 0, unchanged: 0 };
  }

  async apply(): Promise<void> {
    await this.tx.query(
      `INSERT INTO prestations (identifiant, operator_code, ${DATA_COLUMNS.join(', ')})
       SELECT identifiant, operator_code, ${DATA_COLUMNS.join(', ')} FROM ${STAGING}
       ON CONFLICT (identifiant) DO UPDATE SET ${DATA_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
        WHERE ${rowOf('prestations')} IS DISTINCT FROM ${rowOf('EXCLUDED')}`,
    );
  }

  async finish(state: ImportState, counts: ImportCounts, at: Date, reason: string | null, audit: ImportAudit): Promise<void> {
    await this.tx.query(
      `UPDATE prestation_imports SET ${COUNTS_SET}, state = $10, ended_at = $9, reason = $11 WHERE id = $1`,
      [...countsParams(this.importId, counts, at), state, reason],
    );
    await auditImport(this.tx, at, audit);
  }
}

interface CountedPrestationRow extends PrestationRow {
  signalisations: number;
}

export class SqlPrestationImportRepository implements PrestationImportRepository {
  constructor(private readonly db: Database) {}

  async operatorDirectory(): Promise<OperatorDirectory> {
    const rows = await this.db.query<{ code: string; siret: string }>('SELECT code, siret FROM operators');
    return { byCode: new Set(rows.map((r) => r.code)), bySiret: new Map(rows.map((r) => [r.siret, r.code])) };
  }

  async start(record: { id: string; simulation: boolean; format: ImportFormat; agent: string; maxRefused: number | null; at: Date }): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO prestation_imports (id, state, simulation, format, agent, max_refused, started_at, updated_at)
       VALUES ($1, 'RUNNING', $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [record.id, record.simulation, record.format, record.agent, record.maxRefused, record.at],
    );
    return rows.length === 1;
  }

  async inTransaction<T>(
    importId: string,
    exclusive: boolean,
    work: (session: PrestationImportSession) => Promise<T>,
  ): Promise<{ ran: true; value: T } | { ran: false }> {
    return this.db.transaction(async (tx) => {
      if (exclusive) {
        const [lock] = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${IMPORT_LOCK}) AS ok`);
        if (!lock?.ok) return { ran: false as const };
      }
      await tx.query(
        `CREATE TEMP TABLE ${STAGING} (
           line integer NOT NULL, identifiant text NOT NULL, operator_code char(4) NOT NULL, offer_code text NOT NULL,
           code_insee text, gtr_code text NOT NULL, extremites jsonb NOT NULL, informations jsonb NOT NULL,
           date_activation date, date_resiliation date
         ) ON COMMIT DROP`,
      );
      const session = new SqlImportSession(tx, this.db.kind === 'postgres' ? this.db : tx, importId);
      return { ran: true as const, value: await work(session) };
    });
  }

  async end(id: string, state: ImportState, counts: ImportCounts, at: Date, reason: string, audit: ImportAudit): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE prestation_imports SET ${COUNTS_SET}, state = $10, ended_at = $9, reason = $11 WHERE id = $1`, [
        ...countsParams(id, counts, at),
        state,
        reason,
      ]);
      await auditImport(tx, at, audit);
    });
  }

  async find(id: string): Promise<ImportRecord | undefined> {
    const rows = await this.db.query<ImportRow>('SELECT * FROM prestation_imports WHERE id = $1', [id]);
    return rows[0] && toRecord(rows[0]);
  }

  async list(limit: number): Promise<ImportRecord[]> {
    const rows = await this.db.query<ImportRow>('SELECT * FROM prestation_imports ORDER BY started_at DESC, seq DESC LIMIT $1', [limit]);
    return rows.map(toRecord);
  }

  async refusedLines(id: string, afterLine: number, limit: number): Promise<RefusedLine[]> {
    const rows = await this.db.query<{ line: number; identifiant: string | null; field: string | null; reason: string }>(
      `SELECT line, identifiant, field, reason FROM prestation_import_rejects
        WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3`,
      [id, afterLine, limit],
    );
    return rows.map((r) => ({ line: r.line, identifiant: r.identifiant, field: r.field, reason: r.reason }));
  }

  async findPrestation(identifiant: string): Promise<StoredPrestation | undefined> {
    const rows = await this.db.query<CountedPrestationRow>(
      `SELECT ${PRESTATION_COLUMNS},
              (SELECT count(*)::int FROM signalisations s WHERE s.prestation_id = p.identifiant) AS signalisations
         FROM prestations p WHERE identifiant = $1`,
      [identifiant],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { ...toPrestation(r), signalisations: r.signalisations };
  }

  async terminate(identifiant: string, day: ParisDay, at: Date, audit: ImportAudit): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = await tx.query<{ operator_code: string }>(
        'UPDATE prestations SET date_resiliation = $2::date WHERE identifiant = $1 RETURNING operator_code',
        [identifiant, day],
      );
      await auditImport(tx, at, audit, rows[0]?.operator_code ?? null);
    });
  }
}
