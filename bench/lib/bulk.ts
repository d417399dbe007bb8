// Bulk tickets for the scale run: `count` signalisations of one operator (OPA1, on its demo
// prestations FI-1000-0001 / FI-1000-0002) written straight into signalisations and
// signalisation_history with generate_series, in chunks, matching src/adapters/postgres/migrations/*.sql.
// Ticket g (1..count) is deposited at now − (count − g)/count × 3 years, so ids grow with time as
// in production. Tickets older than 30 days are closed (CLOS_TABLEAU_DE_BORD two days after the
// deposit, 2 % EN_REJET) but one in 500, kept GELE; the last 30 days mix every state. Each ticket
// has its deposit history row (NULL → EN_DEPOT) and, unless still EN_DEPOT, one row to its state.
import type pg from 'pg';

const SPAN_SECONDS = 3 * 365 * 86_400;

const CHUNK_SQL = `
WITH src AS (
  SELECT g, $4::timestamptz - make_interval(secs => ($3::bigint - g)::float8 * $5::float8 / $3::bigint + 60) AS dep,
         ($3::bigint - g)::float8 * $5::float8 / $3::bigint / 86400 AS age
    FROM generate_series($1::bigint, $2::bigint) AS g
), st AS (
  SELECT g, dep,
         CASE WHEN age >= 30 THEN CASE WHEN g % 500 = 0 THEN 'GELE' WHEN g % 50 = 1 THEN 'EN_REJET' ELSE 'CLOS_TABLEAU_DE_BORD' END
              ELSE (ARRAY['EN_COURS','EN_COURS','EN_COURS','GELE','EN_QUALIFICATION','EN_DEPOT','CLOS','CLOS','VALIDE','EN_REJET'])[g % 10 + 1]
         END AS etat
    FROM src
), rows AS (
  SELECT g, dep, etat,
         CASE etat WHEN 'EN_REJET' THEN dep + interval '1 hour' WHEN 'CLOS_TABLEAU_DE_BORD' THEN dep + interval '2 days'
                   WHEN 'CLOS' THEN dep + interval '1 day' WHEN 'VALIDE' THEN dep + interval '1 day' END AS closed
    FROM st
), ins AS (
  INSERT INTO signalisations (operator_code, reference_interne_oc, prestation_id, offer_code, form_id, form_version,
         defaut_declare, impact, localisation_presumee, contact_site, contact_oc, commentaire, champs, etat, date_etat, motif,
         attente, garantie_code, echeance_retablissement, cause_cloture, date_cloture, deposited_at, gtr_consumed_ms,
         gtr_running_since)
  SELECT 'OPA1', 'SCALE-' || g,
         CASE WHEN g % 2 = 0 THEN 'FI-1000-0001' ELSE 'FI-1000-0002' END,
         CASE WHEN g % 2 = 0 THEN 'FTTH_PASSIF' ELSE 'FTTH_ACTIVE' END,
         CASE WHEN g % 2 = 0 THEN 'FTTH_PASSIF' ELSE 'FTTH_ACTIVE' END, 1,
         'INTERRUPTION_TOTALE', 'TOTAL', 'PTO',
         '{"nom": "Mme Martin", "telephone": "+33 1 23 45 67 89"}'::jsonb,
         '{"nom": "SAV OPA", "telephone": "0800 000 000", "email": "sav@opa.example"}'::jsonb,
         'Ticket de volumétrie ' || g, '[]'::jsonb,
         etat, COALESCE(closed, CASE WHEN etat = 'EN_DEPOT' THEN dep ELSE dep + interval '10 minutes' END),
         CASE WHEN etat = 'EN_REJET' THEN 'Hors périmètre' END,
         CASE WHEN etat = 'GELE' THEN 'INFORMATION' END,
         CASE WHEN g % 2 = 0 THEN 'GTR_STANDARD' ELSE 'GTR_10HO' END,
         CASE WHEN etat IN ('EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS') THEN dep + interval '2 days' END,
         CASE WHEN etat = 'EN_REJET' THEN 'REJET' WHEN etat IN ('CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD') THEN 'RESOLU' END,
         closed, dep,
         CASE WHEN etat = 'GELE' THEN 3600000 ELSE 0 END,
         CASE WHEN etat IN ('EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS') THEN dep END
    FROM rows ORDER BY g
  RETURNING id, deposited_at, etat, date_etat
)
INSERT INTO signalisation_history (signalisation_id, at, from_state, to_state, actor, motif)
SELECT id, deposited_at, NULL, 'EN_DEPOT', 'OPERATEUR', 'Dépôt de la signalisation' FROM ins
UNION ALL
SELECT id, date_etat, 'EN_DEPOT', etat, 'SAV', NULL FROM ins WHERE etat <> 'EN_DEPOT'`;

export interface BulkLoad {
  seconds: number;
  vacuumSeconds: number;
  tableBytes: number;
  historyRows: number;
}

export async function bulkLoadTickets(client: pg.Client, count: number, now: Date, chunk: number, progress: (line: string) => void): Promise<BulkLoad> {
  const t0 = performance.now();
  for (let lo = 1; lo <= count; lo += chunk) {
    const hi = Math.min(count, lo + chunk - 1);
    await client.query(CHUNK_SQL, [lo, hi, count, now, SPAN_SECONDS]);
    if (count > chunk) progress(`  loaded ${hi.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const seconds = (performance.now() - t0) / 1000;
  // autovacuum may be off (it is on this machine's server): statistics and the visibility map
  // are made explicitly, as autovacuum would after such a load in production.
  const t1 = performance.now();
  await client.query('VACUUM (ANALYZE) signalisations, signalisation_history');
  const vacuumSeconds = (performance.now() - t1) / 1000;
  const size = await client.query<{ bytes: string; history: string }>(
    `SELECT pg_total_relation_size('signalisations')::text AS bytes, (SELECT count(*) FROM signalisation_history)::text AS history`,
  );
  return { seconds, vacuumSeconds, tableBytes: Number(size.rows[0]!.bytes), historyRows: Number(size.rows[0]!.history) };
}
