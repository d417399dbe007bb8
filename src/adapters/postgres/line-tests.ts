// SQL of the line-test aggregate: the request, its executions (line_test_runs) and its result. The
// request and its queue job are written in one transaction (create); an execution writes the result
// only while it holds the test's run token (claim → complete), so a job delivered twice, or a run
// that outlived its claim, can never record a second result.
import type { LocalisationProbable, Mesure, StatutTest, TestOutcome, TypeTest, Verdict } from '../../domain/line-tests.js';
import type { ClaimResult, LineTest, LineTestRepository, NewLineTest, SqlExecutor, TestTarget } from '../../application/line-test-ports.js';
import type { Database, Queryable } from './db.js';
import { recordTicketEvent } from './push.js';

interface LineTestRow {
  id: number;
  reference: string;
  operator_code: string;
  prestation_id: string;
  offer_code: string;
  type_test: string;
  statut: string;
  verdict: string | null;
  localisation: string | null;
  mesures: Mesure[];
  motif_echec: string | null;
  signalisation_reference: string | null;
  requested_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  attempts: number;
}

/** The columns of a test with the reference of its signalisation (asked with it, or named by its deposit). */
const SELECT_TEST = `
  SELECT t.id, t.reference, t.operator_code, t.prestation_id, t.offer_code, t.type_test, t.statut, t.verdict,
         t.localisation, t.mesures, t.motif_echec, t.requested_at, t.started_at, t.completed_at, t.attempts,
         COALESCE(s.reference, (SELECT d.reference FROM signalisations d
                                 WHERE d.operator_code = t.operator_code AND d.id_demande_test = t.reference
                                 ORDER BY d.id LIMIT 1)) AS signalisation_reference
    FROM line_tests t LEFT JOIN signalisations s ON s.id = t.signalisation_id`;

function toLineTest(r: LineTestRow): LineTest {
  return {
    id: Number(r.id),
    reference: r.reference,
    operatorCode: r.operator_code,
    prestationId: r.prestation_id,
    offerCode: r.offer_code,
    typeTest: r.type_test as TypeTest,
    statut: r.statut as StatutTest,
    verdict: r.verdict as Verdict | null,
    localisation: r.localisation as LocalisationProbable | null,
    mesures: r.mesures,
    motifEchec: r.motif_echec,
    signalisationReference: r.signalisation_reference,
    requestedAt: r.requested_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    attempts: Number(r.attempts),
  };
}

async function readTest(q: Queryable, id: number): Promise<LineTest> {
  const rows = await q.query<LineTestRow>(`${SELECT_TEST} WHERE t.id = $1`, [id]);
  if (!rows[0]) throw new Error(`line test ${id} vanished`);
  return toLineTest(rows[0]);
}

export class SqlLineTestRepository implements LineTestRepository {
  constructor(private readonly db: Database) {}

  async create(test: NewLineTest, enqueue: (executor: SqlExecutor, created: { id: number }) => Promise<void>): Promise<LineTest> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO line_tests (operator_code, prestation_id, offer_code, type_test, statut, signalisation_id, requested_at, job_id)
         VALUES ($1, $2, $3, $4, 'EN_ATTENTE', $5, $6, $7) RETURNING id`,
        [test.operatorCode, test.prestationId, test.offerCode, test.typeTest, test.signalisationId ?? null, test.requestedAt, test.jobId],
      );
      const id = Number(row!.id);
      await enqueue(tx, { id });
      return readTest(tx, id);
    });
  }

  async find(operatorCode: string, reference: string): Promise<LineTest | undefined> {
    const rows = await this.db.query<LineTestRow>(`${SELECT_TEST} WHERE t.reference = $1 AND t.operator_code = $2`, [reference, operatorCode]);
    return rows[0] ? toLineTest(rows[0]) : undefined;
  }

  async linkedTo(s: { id: number; operatorCode: string; idDemandeTest: string | null }): Promise<LineTest[]> {
    const rows = await this.db.query<LineTestRow>(
      `${SELECT_TEST} WHERE t.operator_code = $2 AND (t.signalisation_id = $1 OR t.reference = $3) ORDER BY t.requested_at, t.id`,
      [s.id, s.operatorCode, s.idDemandeTest],
    );
    return rows.map(toLineTest);
  }

  async claim(testId: number, run: { token: string; worker: string; at: Date; maxAttempts: number }): Promise<ClaimResult> {
    return this.db.transaction(async (tx) => {
      const current = await tx.query<{ statut: string; attempts: number; derniere_erreur: string | null }>(
        'SELECT statut, attempts, derniere_erreur FROM line_tests WHERE id = $1 FOR UPDATE',
        [testId],
      );
      const row = current[0];
      if (!row) return { kind: 'unknown' } as const;
      if (row.statut === 'TERMINE' || row.statut === 'ECHEC') return { kind: 'done' } as const;
      if (Number(row.attempts) >= run.maxAttempts) return { kind: 'exhausted', attempts: Number(row.attempts), lastError: row.derniere_erreur } as const;
      const [claimed] = await tx.query<{ attempts: number }>(
        `UPDATE line_tests SET statut = 'EN_COURS', attempts = attempts + 1, run_token = $2, started_at = COALESCE(started_at, $3)
          WHERE id = $1 RETURNING attempts`,
        [testId, run.token, run.at],
      );
      const attempt = Number(claimed!.attempts);
      await tx.query('INSERT INTO line_test_runs (test_id, attempt, run_token, worker, started_at) VALUES ($1, $2, $3, $4, $5)', [
        testId,
        attempt,
        run.token,
        run.worker,
        run.at,
      ]);
      const [target] = await tx.query<{
        reference: string;
        operator_code: string;
        type_test: string;
        prestation_id: string;
        offer_code: string;
        code_insee: string | null;
        extremites: TestTarget['extremites'];
        informations: TestTarget['informations'];
      }>(
        `SELECT t.reference, t.operator_code, t.type_test, t.prestation_id, t.offer_code, p.code_insee, p.extremites, p.informations
           FROM line_tests t JOIN prestations p ON p.identifiant = t.prestation_id WHERE t.id = $1`,
        [testId],
      );
      return {
        kind: 'claimed',
        attempt,
        target: {
          testId,
          reference: target!.reference,
          operatorCode: target!.operator_code,
          typeTest: target!.type_test as TypeTest,
          prestationId: target!.prestation_id,
          offerCode: target!.offer_code,
          codeInsee: target!.code_insee,
          extremites: target!.extremites,
          informations: target!.informations,
        },
      } as const;
    });
  }

  async complete(
    testId: number,
    token: string,
    outcome: TestOutcome,
    at: Date,
    onResult: (executor: SqlExecutor, test: LineTest) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const updated = await tx.query<{ id: number }>(
        `UPDATE line_tests SET statut = 'TERMINE', verdict = $3, localisation = $4, mesures = $5, completed_at = $6,
                run_token = NULL, derniere_erreur = NULL
          WHERE id = $1 AND run_token = $2 AND statut = 'EN_COURS' RETURNING id`,
        [testId, token, outcome.verdict, outcome.localisation ?? null, JSON.stringify(outcome.mesures), at],
      );
      const recorded = updated.length === 1;
      await tx.query('UPDATE line_test_runs SET ended_at = $2, outcome = $3, detail = $4 WHERE run_token = $1', [
        token,
        at,
        recorded ? 'RESULTAT' : 'SUPPLANTE',
        recorded ? outcome.verdict : 'résultat écarté : exécution supplantée ou test déjà terminé',
      ]);
      if (recorded) {
        const test = await readTest(tx, testId);
        // The push outbox (decision 0023): the verdict of a ticket's test, in this transaction.
        if (test.signalisationReference && test.verdict) {
          await recordTicketEvent(
            tx,
            { operatorCode: test.operatorCode, reference: test.signalisationReference },
            { kind: 'RESULTAT_TEST', idDemandeTest: test.reference, typeTest: test.typeTest, verdict: test.verdict, localisation: test.localisation },
            at,
          );
        }
        await onResult(tx, test);
      }
      return recorded;
    });
  }

  async recordError(testId: number, token: string, reason: string, at: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const held = await tx.query(
        `UPDATE line_tests SET statut = 'EN_ATTENTE', derniere_erreur = $3, run_token = NULL
          WHERE id = $1 AND run_token = $2 AND statut = 'EN_COURS' RETURNING id`,
        [testId, token, reason.slice(0, 500)],
      );
      await tx.query('UPDATE line_test_runs SET ended_at = $2, outcome = $3, detail = $4 WHERE run_token = $1', [
        token,
        at,
        held.length === 1 ? 'ERREUR' : 'SUPPLANTE',
        reason.slice(0, 500),
      ]);
      return held.length === 1;
    });
  }

  async fail(testId: number, motif: (attempts: number, lastError: string | null) => string, at: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ statut: string; attempts: number; derniere_erreur: string | null }>(
        'SELECT statut, attempts, derniere_erreur FROM line_tests WHERE id = $1 FOR UPDATE',
        [testId],
      );
      const row = rows[0];
      if (!row || row.statut === 'TERMINE' || row.statut === 'ECHEC') return false;
      await tx.query(
        `UPDATE line_tests SET statut = 'ECHEC', motif_echec = $2, completed_at = $3, run_token = NULL WHERE id = $1`,
        [testId, motif(Number(row.attempts), row.derniere_erreur).slice(0, 500), at],
      );
      return true;
    });
  }
}

// ---------------------------------------------------------------- the simulated network's line profiles

export const SIMULATION_PROFILES = ['SAIN', 'DEFAUT_CLIENT', 'DEFAUT_RESEAU', 'DEGRADE', 'INJOIGNABLE'] as const;
export type SimulationProfile = (typeof SIMULATION_PROFILES)[number];

/** The profile of a line in the simulator (undefined: no row, a healthy line). */
export async function simulatedProfile(db: Queryable, prestationId: string): Promise<SimulationProfile | undefined> {
  const rows = await db.query<{ profil: SimulationProfile }>('SELECT profil FROM simulated_lines WHERE prestation_id = $1', [prestationId]);
  return rows[0]?.profil;
}

export async function setSimulatedProfile(db: Queryable, prestationId: string, profil: SimulationProfile): Promise<void> {
  await db.query(
    `INSERT INTO simulated_lines (prestation_id, profil) VALUES ($1, $2)
     ON CONFLICT (prestation_id) DO UPDATE SET profil = EXCLUDED.profil`,
    [prestationId, profil],
  );
}
