// The national data set of `npm run bench:scale` (issue 16, point 4), written straight into the
// migrated schema (every index and constraint of src/adapters/postgres/migrations/*.sql in place,
// as in production) with INSERT … SELECT … generate_series in chunks. For `tickets` = n:
//
// - operators: the demo OPA1 (the caller) and OPB2, and OP03 … OP40;
// - prestations: round(n × prestationsPerTicket) (10 M for 5 M tickets), prestation p belongs to
//   OPA1 when p mod 100 < 30 (30 %), OPB2 < 50 (20 %), OP03 < 65 (15 %), OP04 < 75 (10 %), else one
//   of OP05 … OP40 (25 %, ≈ 0.7 % each); offer FTTH_PASSIF (60 %), FTTH_ACTIVE (25 %),
//   CUIVRE_DEGROUPAGE (15 %); commune (p × 7919) mod communes; two extremities, one PBO;
// - communes: round(prestations / prestationsPerCommune) clamped to [50, 35 000] INSEE-shaped
//   codes, each with the same weekly working patterns (CAPACITY_PATTERNS) and its free slots from
//   today to the rolling horizon (28 days), computed by the domain's own slotsOfDays with the
//   French public holidays, and its generated days recorded in rdv_zones (what the search's
//   generator would have written). Past free slots are not loaded (see docs/benchmarks.md);
// - tickets: ticket g (1..n) is deposited at now − (n − g)/n × 3 years (ids grow with time) on
//   prestation 1 + (g × 2654435761 mod prestations) (ticket g, when g mod 10 = 0, on the prestation
//   of ticket g − 1: repeated faults), so with that prestation's operator, offer and guarantee.
//   Tickets older than 30 days are closed (CLOS_TABLEAU_DE_BORD two days after the deposit, 2 %
//   EN_REJET) but one in 500, kept GELE; the last 30 days mix every state;
// - history: every state the ticket went through, as the life cycle allows (EN_DEPOT →
//   EN_QUALIFICATION → EN_COURS [→ GELE → EN_COURS] → CLOS → CLOS_TABLEAU_DE_BORD | VALIDE; EN_REJET
//   from EN_DEPOT or EN_QUALIFICATION), with actors and motifs: 5 – 7 rows for a closed ticket;
// - comments: one SAV comment once in progress, and for the tickets that were frozen one SAV
//   question and the operator's answer;
// - line tests: one ticket in four (past EN_DEPOT) had a test asked on it (TERMINE, KO);
// - appointments: one in five of the tickets closed before the last 30 days had a SAV appointment
//   (a booked slot of its commune the day after the deposit, one in twenty of those cancelled);
//   one in three of the recent EN_COURS and GELE tickets holds a booked future slot of its commune.
import type pg from 'pg';
import { addDays, parisDayOf } from '../../src/domain/paris-calendar.js';
import { DEFAULT_HORIZON_DAYS, slotsOfDays, type TypeRendezVous, type WorkingPattern } from '../../src/domain/rendezvous.js';
import { frenchPublicHolidays } from '../../src/domain/holidays.js';

const SPAN_SECONDS = 3 * 365 * 86_400;
/** Tickets younger than this are in every state; older ones are closed. */
const RECENT_DAYS = 30;

export interface NationalPlan {
  tickets: number;
  prestations: number;
  communes: number;
  /** Tickets per INSERT statement (prestations: twice as many). */
  chunk: number;
  /**
   * `row`: every inserted row checks its foreign keys (the constraint triggers), as the
   * application's own inserts do. `end`: the loader's session runs as a replica
   * (session_replication_role, so no trigger fires) and every foreign key of the loaded tables is
   * then checked once, by one anti-join per constraint (checkForeignKeys): the same schema and data
   * in about half the time of the tickets' phase.
   */
  foreignKeys: 'row' | 'end';
}

export function nationalPlan(
  tickets: number,
  prestationsPerTicket: number,
  prestationsPerCommune: number,
  chunk: number,
  foreignKeys: NationalPlan['foreignKeys'] = 'row',
): NationalPlan {
  const prestations = Math.max(1, Math.round(tickets * prestationsPerTicket));
  const communes = Math.min(35_000, Math.max(50, Math.round(prestations / prestationsPerCommune)));
  return { tickets, prestations, communes, chunk, foreignKeys };
}

/** The tables the national load writes. */
const LOADED_TABLES = ['operators', 'prestations', 'rdv_plannings', 'rdv_creneaux', 'rdv_zones', 'signalisations', 'signalisation_history',
  'signalisation_comments', 'line_tests', 'rdv_rendezvous'];

/**
 * Every foreign key of the loaded tables, checked over the whole table by one anti-join (what
 * ALTER TABLE … VALIDATE CONSTRAINT does): throws on the first one that some row breaks.
 * Returns how many constraints were checked.
 */
export async function checkForeignKeys(client: pg.Client): Promise<number> {
  const constraints = await client.query<{ name: string; child: string; parent: string; child_columns: string[]; parent_columns: string[] }>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
            ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k (n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS child_columns,
            ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k (n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS parent_columns
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY($1::text[])
      ORDER BY 2, 1`,
    [LOADED_TABLES],
  );
  await client.query("SET work_mem = '256MB'");
  try {
    for (const c of constraints.rows) {
      const notNull = c.child_columns.map((col) => `c.${col} IS NOT NULL`).join(' AND ');
      const match = c.child_columns.map((col, i) => `p.${c.parent_columns[i]} = c.${col}`).join(' AND ');
      const result = await client.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${c.child} c WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${c.parent} p WHERE ${match})`,
      );
      if (Number(result.rows[0]!.n) !== 0) throw new Error(`foreign key ${c.name} of ${c.child}: ${result.rows[0]!.n} rows without their ${c.parent} row`);
    }
  } finally {
    await client.query('RESET work_mem');
  }
  return constraints.rows.length;
}

/** The operators of prestation p, as a SQL expression of p (bigint). */
const OPERATOR_OF = (p: string) => `CASE WHEN ${p} % 100 < 30 THEN 'OPA1' WHEN ${p} % 100 < 50 THEN 'OPB2' WHEN ${p} % 100 < 65 THEN 'OP03'
  WHEN ${p} % 100 < 75 THEN 'OP04' ELSE 'OP' || lpad((5 + (${p} / 100) % 36)::text, 2, '0') END`;
/** Offer of prestation p (its form has the offer's code, version 1). */
const OFFER_OF = (p: string) =>
  `CASE WHEN (${p} / 7) % 20 < 12 THEN 'FTTH_PASSIF' WHEN (${p} / 7) % 20 < 17 THEN 'FTTH_ACTIVE' ELSE 'CUIVRE_DEGROUPAGE' END`;
const GTR_OF = (p: string) => `CASE WHEN (${p} / 7) % 20 BETWEEN 12 AND 16 THEN 'GTR_10HO' ELSE 'GTR_STANDARD' END`;
/** INSEE-shaped code of commune c (0-based): département 01 – 96 but 20, commune 001 – 369. */
const COMMUNE_CODE = (c: string) => `lpad((1 + ${c} % 95 + (${c} % 95 >= 19)::int)::text, 2, '0') || lpad((1 + ${c} / 95)::text, 3, '0')`;
/** Commune of prestation p. */
const COMMUNE_OF = (p: string, communes: string) => COMMUNE_CODE(`((${p} * 7919) % ${communes})`);
/** Prestation number of ticket g (1-based). */
const PRESTATION_OF = (g: string, prestations: string) =>
  `(1 + ((CASE WHEN ${g} % 10 = 0 THEN ${g} - 1 ELSE ${g} END) * 2654435761) % ${prestations})`;
export const prestationIdentifiant = (p: number) => `NAT-${String(p).padStart(10, '0')}`;

/**
 * The capacity of every loaded commune: SAV on weekdays in 2-hour windows (one technician), SAV+
 * on weekday evenings and Saturday mornings, expertise contradictoire on Wednesday mornings.
 */
export const CAPACITY_PATTERNS: ReadonlyArray<Omit<WorkingPattern, 'codeInsee'>> = [
  ...[1, 2, 3, 4, 5].flatMap((jour) => [
    { type: 'SAV' as TypeRendezVous, jour, debut: '08:00', fin: '12:00', dureeMinutes: 120, techniciens: 1, joursFeries: false },
    { type: 'SAV' as TypeRendezVous, jour, debut: '14:00', fin: '18:00', dureeMinutes: 120, techniciens: 1, joursFeries: false },
    { type: 'SAV_PLUS' as TypeRendezVous, jour, debut: '18:00', fin: '20:00', dureeMinutes: 120, techniciens: 1, joursFeries: false },
  ]),
  { type: 'SAV_PLUS', jour: 6, debut: '09:00', fin: '12:00', dureeMinutes: 180, techniciens: 1, joursFeries: false },
  { type: 'EXPERTISE_CONTRADICTOIRE', jour: 3, debut: '09:00', fin: '12:00', dureeMinutes: 180, techniciens: 1, joursFeries: false },
];

const OPERATORS_SQL = `
INSERT INTO operators (code, siret, raison_sociale)
SELECT 'OP' || lpad(k::text, 2, '0'), '9' || lpad(k::text, 13, '0'), 'Opérateur national ' || k
  FROM generate_series(3, 40) AS k
ON CONFLICT DO NOTHING`;

const PATTERNS_SQL = (communes: number) => `
INSERT INTO rdv_plannings (code_insee, type_rdv, jour, debut, fin, duree_minutes, techniciens, jours_feries)
SELECT ${COMMUNE_CODE('c')}, t.type_rdv, t.jour, t.debut, t.fin, t.duree, t.techniciens, t.feries
  FROM generate_series(0, ${communes - 1}) AS c
 CROSS JOIN unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::int[], $6::int[], $7::boolean[])
       AS t (type_rdv, jour, debut, fin, duree, techniciens, feries)
ON CONFLICT ON CONSTRAINT rdv_plannings_unique DO NOTHING`;

const SLOTS_SQL = `
INSERT INTO rdv_creneaux (code_insee, type_rdv, debut, fin, technicien)
SELECT ${COMMUNE_CODE('c')}, w.type_rdv, w.debut, w.fin, w.technicien
  FROM generate_series($1::int, $2::int) AS c
 CROSS JOIN unnest($3::text[], $4::timestamptz[], $5::timestamptz[], $6::smallint[]) AS w (type_rdv, debut, fin, technicien)
 ORDER BY 1, 3, 2, 5
ON CONFLICT ON CONSTRAINT rdv_creneaux_unique DO NOTHING`;

const ZONES_SQL = (communes: number) => `
INSERT INTO rdv_zones (code_insee, genere_du, genere_au)
SELECT ${COMMUNE_CODE('c')}, $1::date, $2::date FROM generate_series(0, ${communes - 1}) AS c
ON CONFLICT (code_insee) DO NOTHING`;

/** The capacity patterns (CAPACITY_PATTERNS) of communes 0 … communes − 1. Returns the rows. */
export async function loadCapacityPatterns(client: pg.ClientBase, communes: number): Promise<number> {
  const p = CAPACITY_PATTERNS;
  const result = await client.query(PATTERNS_SQL(communes), [
    p.map((x) => x.type),
    p.map((x) => x.jour),
    p.map((x) => x.debut),
    p.map((x) => x.fin),
    p.map((x) => x.dureeMinutes),
    p.map((x) => x.techniciens),
    p.map((x) => x.joursFeries),
  ]);
  return result.rowCount ?? 0;
}

/** The same slots (the seeds' windows and technicians) in every commune 0 … communes − 1, ≈ 300 000 rows per statement. */
export async function insertCommuneSlots(
  client: pg.ClientBase,
  communes: number,
  seeds: ReadonlyArray<{ type: string; debut: Date; fin: Date; technicien: number }>,
): Promise<number> {
  const perStatement = Math.max(1, Math.floor(300_000 / Math.max(1, seeds.length)));
  let rows = 0;
  for (let lo = 0; lo < communes; lo += perStatement) {
    const hi = Math.min(communes - 1, lo + perStatement - 1);
    const result = await client.query(SLOTS_SQL, [
      lo,
      hi,
      seeds.map((s) => s.type),
      seeds.map((s) => s.debut.toISOString()),
      seeds.map((s) => s.fin.toISOString()),
      seeds.map((s) => s.technicien),
    ]);
    rows += result.rowCount ?? 0;
  }
  return rows;
}

/** Records days [from, to] as generated for communes 0 … communes − 1 (what the search's generator writes). */
export async function recordCommuneCoverage(client: pg.ClientBase, communes: number, from: string, to: string): Promise<void> {
  await client.query(ZONES_SQL(communes), [from, to]);
}

const PRESTATIONS_SQL = (communes: number) => `
WITH src AS (
  SELECT p, ${COMMUNE_OF('p', String(communes))} AS insee FROM generate_series($1::bigint, $2::bigint) AS p
)
INSERT INTO prestations (identifiant, operator_code, offer_code, code_insee, gtr_code, extremites, informations, date_activation)
SELECT 'NAT-' || lpad(p::text, 10, '0'), ${OPERATOR_OF('p')}, ${OFFER_OF('p')}, insee, ${GTR_OF('p')},
       jsonb_build_array(
         jsonb_build_object('type', 'PTO', 'reference', 'PTO-' || insee || '-' || p,
           'adresse', jsonb_build_object('lignes', jsonb_build_array((1 + p % 180) || ' rue de la République'),
             'codePostal', left(insee, 2) || '0' || lpad((p % 100)::text, 2, '0'), 'commune', 'Commune ' || insee, 'codeInsee', insee)),
         jsonb_build_object('type', 'PM', 'reference', 'PM-' || insee || '-' || lpad((p % 400)::text, 4, '0'))),
       jsonb_build_array(jsonb_build_object('code', 'PBO', 'valeur', 'PBO-' || insee || '-' || lpad((p % 9000)::text, 4, '0'))),
       DATE '2016-01-01' + (p % 2500)::int
  FROM src ORDER BY p`;

/**
 * One chunk of tickets [$1, $2] of $3, deposited over $5 seconds before $4: the tickets, their
 * history and comments, and the past appointments (slot and booking) of one closed ticket in five.
 */
const TICKETS_SQL = (prestations: number, communes: number) => `
WITH src AS (
  SELECT g, ${PRESTATION_OF('g', String(prestations))} AS p,
         $4::timestamptz - make_interval(secs => ($3::bigint - g)::float8 * $5::float8 / $3::bigint + 60) AS dep,
         ($3::bigint - g)::float8 * $5::float8 / $3::bigint / 86400 AS age
    FROM generate_series($1::bigint, $2::bigint) AS g
), st AS (
  SELECT g, p, dep,
         CASE WHEN age >= ${RECENT_DAYS} THEN CASE WHEN g % 500 = 0 THEN 'GELE' WHEN g % 50 = 1 THEN 'EN_REJET' ELSE 'CLOS_TABLEAU_DE_BORD' END
              ELSE (ARRAY['EN_COURS','EN_COURS','EN_COURS','GELE','EN_QUALIFICATION','EN_DEPOT','CLOS','CLOS','VALIDE','EN_REJET'])[g % 10 + 1]
         END AS etat
    FROM src
), rows AS (
  SELECT g, p, dep, etat, ${OPERATOR_OF('p')} AS op, ${OFFER_OF('p')} AS offer, ${GTR_OF('p')} AS gtr,
         CASE etat WHEN 'EN_REJET' THEN dep + interval '1 hour' WHEN 'CLOS_TABLEAU_DE_BORD' THEN dep + interval '2 days'
                   WHEN 'CLOS' THEN dep + interval '1 day' WHEN 'VALIDE' THEN dep + interval '1 day' END AS closed
    FROM st
), ins AS (
  INSERT INTO signalisations (operator_code, reference_interne_oc, prestation_id, offer_code, form_id, form_version,
         defaut_declare, impact, date_debut_defaut, localisation_presumee, contact_site, contact_oc, commentaire, champs, etat,
         date_etat, motif, attente, garantie_code, echeance_retablissement, cause_cloture, date_cloture, deposited_at,
         gtr_consumed_ms, gtr_running_since)
  SELECT op, 'NAT-' || g, 'NAT-' || lpad(p::text, 10, '0'), offer, offer, 1,
         'INTERRUPTION_TOTALE', (ARRAY['TOTAL', 'DEGRADE', 'INTERMITTENT'])[g % 3 + 1], dep - interval '2 hours', 'PTO',
         '{"nom": "Mme Martin", "telephone": "+33 1 23 45 67 89"}'::jsonb,
         '{"nom": "SAV", "telephone": "0800 000 000", "email": "sav@oc.example"}'::jsonb,
         'Ticket de volumétrie nationale ' || g,
         CASE WHEN offer = 'FTTH_PASSIF' THEN '[{"code": "REF_PTO", "valeur": "PTO-000123"}]'::jsonb ELSE '[]'::jsonb END,
         etat, COALESCE(closed, CASE WHEN etat = 'EN_DEPOT' THEN dep ELSE dep + interval '10 minutes' END),
         CASE WHEN etat = 'EN_REJET' THEN 'Hors périmètre' WHEN etat = 'GELE' THEN 'En attente d''information de l''opérateur' END,
         CASE WHEN etat = 'GELE' THEN 'INFORMATION' END,
         gtr,
         CASE WHEN etat IN ('EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS') THEN dep + interval '2 days' END,
         CASE WHEN etat = 'EN_REJET' THEN 'REJET' WHEN etat IN ('CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD') THEN 'RESOLU' END,
         closed, dep,
         CASE WHEN etat = 'GELE' THEN 3600000 ELSE 0 END,
         CASE WHEN etat IN ('EN_DEPOT', 'EN_QUALIFICATION', 'EN_COURS') THEN dep END
    FROM rows ORDER BY g
  RETURNING id, operator_code, prestation_id, deposited_at, etat, date_etat, date_cloture
), path AS (
  SELECT i.*,
         CASE etat
           WHEN 'EN_DEPOT' THEN '{EN_DEPOT}'::text[]
           WHEN 'EN_QUALIFICATION' THEN '{EN_DEPOT,EN_QUALIFICATION}'::text[]
           WHEN 'EN_COURS' THEN '{EN_DEPOT,EN_QUALIFICATION,EN_COURS}'::text[]
           WHEN 'GELE' THEN '{EN_DEPOT,EN_QUALIFICATION,EN_COURS,GELE}'::text[]
           WHEN 'EN_REJET' THEN CASE WHEN id % 2 = 0 THEN '{EN_DEPOT,EN_REJET}'::text[] ELSE '{EN_DEPOT,EN_QUALIFICATION,EN_REJET}'::text[] END
           ELSE CASE WHEN id % 4 = 0 THEN '{EN_DEPOT,EN_QUALIFICATION,EN_COURS,GELE,EN_COURS,CLOS}'::text[] ELSE '{EN_DEPOT,EN_QUALIFICATION,EN_COURS,CLOS}'::text[] END
                || CASE etat WHEN 'VALIDE' THEN '{VALIDE}'::text[] WHEN 'CLOS_TABLEAU_DE_BORD' THEN '{CLOS_TABLEAU_DE_BORD}'::text[] ELSE '{}'::text[] END
         END AS steps
    FROM ins i
), hist AS (
  INSERT INTO signalisation_history (signalisation_id, at, from_state, to_state, actor, motif)
  SELECT id,
         CASE WHEN n = 1 THEN deposited_at
              ELSE deposited_at + (date_etat - deposited_at) * ((n - 1)::float8 / (cardinality(steps) - 1)) END,
         steps[n - 1], steps[n],
         CASE WHEN n = 1 THEN 'OPERATEUR'
              WHEN steps[n] IN ('EN_QUALIFICATION', 'CLOS_TABLEAU_DE_BORD') THEN 'SYSTEME'
              WHEN steps[n - 1] = 'GELE' THEN 'OPERATEUR' ELSE 'SAV' END,
         CASE WHEN n = 1 THEN 'Dépôt de la signalisation'
              WHEN steps[n] = 'GELE' THEN 'En attente d''information de l''opérateur'
              WHEN steps[n] = 'EN_REJET' THEN 'Hors périmètre'
              WHEN steps[n] = 'CLOS' THEN 'Service rétabli'
              WHEN steps[n - 1] = 'GELE' THEN 'Information complétée par l''opérateur' END
    FROM path CROSS JOIN LATERAL generate_series(1, cardinality(steps)) AS n
   ORDER BY id, n
), com AS (
  INSERT INTO signalisation_comments (signalisation_id, at, author, texte)
  SELECT id, at, author, texte FROM (
    SELECT id, deposited_at + interval '20 minutes' AS at, 'SAV' AS author, 'Prise en charge par le SAV, diagnostic en cours' AS texte, 1 AS k
      FROM path WHERE 'EN_COURS' = ANY (steps)
    UNION ALL
    SELECT id, deposited_at + interval '30 minutes', 'SAV', 'Merci de préciser les horaires d''accès au site', 2
      FROM path WHERE 'GELE' = ANY (steps)
    UNION ALL
    SELECT id, deposited_at + interval '40 minutes', 'OPERATEUR', 'Accès possible en semaine de 8h à 18h, digicode 1234', 3
      FROM path WHERE 'GELE' = ANY (steps) AND etat <> 'GELE'
  ) c ORDER BY id, k
), tst AS (
  INSERT INTO line_tests (operator_code, prestation_id, offer_code, type_test, statut, verdict, localisation, signalisation_id,
         requested_at, started_at, completed_at, attempts, job_id)
  SELECT i.operator_code, i.prestation_id, o.offer,
         CASE o.offer WHEN 'FTTH_PASSIF' THEN 'MESURE_OPTIQUE' WHEN 'FTTH_ACTIVE' THEN 'ETAT_SESSION' ELSE 'ETAT_SYNCHRO' END,
         'TERMINE', 'KO', 'RESEAU_FOURNISSEUR', i.id,
         i.deposited_at + interval '15 minutes', i.deposited_at + interval '15 minutes', i.deposited_at + interval '16 minutes', 1, gen_random_uuid()
    FROM ins i CROSS JOIN LATERAL (SELECT ${OFFER_OF('substr(i.prestation_id, 5)::bigint')} AS offer) o
   WHERE i.id % 4 = 1 AND i.etat <> 'EN_DEPOT'
   ORDER BY i.id
), want AS (
  SELECT DISTINCT ON (insee, debut, technicien) id, operator_code, deposited_at, insee, debut, technicien
    FROM (
      SELECT id, operator_code, deposited_at, ${COMMUNE_OF('substr(prestation_id, 5)::bigint', String(communes))} AS insee,
             (date_trunc('day', deposited_at AT TIME ZONE 'Europe/Paris') + interval '1 day'
                + make_interval(hours => (ARRAY[8, 10, 14, 16])[id % 4 + 1])) AT TIME ZONE 'Europe/Paris' AS debut,
             (1 + (id / 4) % 2)::smallint AS technicien
        FROM ins
       WHERE id % 5 = 0 AND etat IN ('CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD') AND deposited_at < $4::timestamptz - interval '${RECENT_DAYS} days'
    ) w
   ORDER BY insee, debut, technicien, id
), slot AS (
  INSERT INTO rdv_creneaux (code_insee, type_rdv, debut, fin, technicien)
  SELECT insee, 'SAV', debut, debut + interval '2 hours', technicien FROM want ORDER BY debut
  ON CONFLICT ON CONSTRAINT rdv_creneaux_unique DO NOTHING
  RETURNING id, code_insee, debut, technicien
), rdv AS (
  INSERT INTO rdv_rendezvous (operator_code, signalisation_id, creneau_id, type_rdv, statut, canal, reserve_le, modifie_le, annule_le)
  SELECT w.operator_code, w.id, s.id, 'SAV', CASE WHEN w.id % 100 = 0 THEN 'ANNULE' ELSE 'RESERVE' END, 'ESAV',
         w.deposited_at + interval '1 hour', w.deposited_at + interval '1 hour',
         CASE WHEN w.id % 100 = 0 THEN w.deposited_at + interval '3 hours' END
    FROM want w JOIN slot s ON s.code_insee = w.insee AND s.debut = w.debut AND s.technicien = w.technicien
   ORDER BY w.id
  RETURNING 1
)
SELECT min(id)::text AS first, max(id)::text AS last, (SELECT count(*) FROM rdv)::text AS appointments FROM ins`;

/** One open ticket in three of the last 30 days (EN_COURS, GELE) books a future SAV slot of its commune. */
const FUTURE_APPOINTMENTS_SQL = (communes: number) => `
WITH t AS (
  SELECT s.id, s.operator_code, s.deposited_at, ${COMMUNE_OF('substr(s.prestation_id, 5)::bigint', String(communes))} AS insee
    FROM signalisations s
   WHERE s.id >= $1::bigint AND s.etat IN ('EN_COURS', 'GELE') AND s.date_cloture IS NULL AND s.id % 3 = 0
     AND s.reference_interne_oc LIKE 'NAT-%'
), tk AS (
  SELECT t.*, row_number() OVER (PARTITION BY insee ORDER BY id) AS k FROM t
), f AS (
  SELECT c.id, c.code_insee, row_number() OVER (PARTITION BY c.code_insee ORDER BY c.debut, c.technicien) AS k
    FROM rdv_creneaux c
   WHERE c.type_rdv = 'SAV' AND c.debut > $2::timestamptz AND c.code_insee IN (SELECT insee FROM t)
     AND NOT EXISTS (SELECT 1 FROM rdv_rendezvous r WHERE r.creneau_id = c.id AND r.statut = 'RESERVE')
)
INSERT INTO rdv_rendezvous (operator_code, signalisation_id, creneau_id, type_rdv, statut, canal, reserve_le, modifie_le)
SELECT tk.operator_code, tk.id, f.id, 'SAV', 'RESERVE', 'ESAV', tk.deposited_at + interval '1 hour', tk.deposited_at + interval '1 hour'
  FROM tk JOIN f ON f.code_insee = tk.insee AND f.k = tk.k * 3
 ORDER BY tk.id`;

export interface LoadPhase {
  name: string;
  seconds: number;
  rows: number;
}

export interface BulkLoad {
  plan: NationalPlan;
  phases: LoadPhase[];
  /** Load time without VACUUM ANALYZE. */
  seconds: number;
  vacuumSeconds: number;
  rows: Record<string, number>;
}

/** Loads the national data set into a migrated database (demo data already there). */
export async function loadNational(client: pg.Client, plan: NationalPlan, now: Date, progress: (line: string) => void): Promise<BulkLoad> {
  const phases: LoadPhase[] = [];
  const t0 = performance.now();
  const phase = async (name: string, work: () => Promise<number>, unit = 'rows') => {
    const started = performance.now();
    const rows = await work();
    const seconds = (performance.now() - started) / 1000;
    phases.push({ name, seconds, rows });
    progress(`  ${name}: ${rows.toLocaleString('en-US')} ${unit} in ${seconds.toFixed(1)} s`);
  };
  // The loader's session only: a commit does not wait for the WAL flush (the data is the same);
  // no JIT (the row estimates of the generated rows are far off: it compiled for seconds per
  // chunk); no nested loop over the CTEs estimated at one row (the appointments' slot join).
  await client.query('SET synchronous_commit = off');
  await client.query('SET jit = off');
  await client.query('SET enable_nestloop = off');
  if (plan.foreignKeys === 'end') await client.query('SET session_replication_role = replica');

  await phase('operators', async () => (await client.query(OPERATORS_SQL)).rowCount ?? 0);

  const today = parisDayOf(now);
  const horizon = addDays(today, DEFAULT_HORIZON_DAYS);
  await phase('capacity patterns', () => loadCapacityPatterns(client, plan.communes));
  await phase('future slots', async () => {
    const rows = await insertCommuneSlots(client, plan.communes, slotsOfDays(CAPACITY_PATTERNS.map((x) => ({ ...x, codeInsee: '00000' })), today, horizon, frenchPublicHolidays()));
    await client.query(ZONES_SQL(plan.communes), [today, horizon]);
    return rows;
  });

  await phase('prestations', async () => {
    const step = plan.chunk * 2;
    let rows = 0;
    const started = performance.now();
    for (let lo = 1; lo <= plan.prestations; lo += step) {
      const hi = Math.min(plan.prestations, lo + step - 1);
      rows += (await client.query(PRESTATIONS_SQL(plan.communes), [lo, hi])).rowCount ?? 0;
      if (plan.prestations > step) progress(`    prestations ${hi.toLocaleString('en-US')} / ${plan.prestations.toLocaleString('en-US')} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    return rows;
  });

  let recentFromId = Number.MAX_SAFE_INTEGER;
  let pastAppointments = 0;
  await phase('tickets (+ history, comments, tests, past appointments)', async () => {
    const recentFromG = Math.floor(plan.tickets - (RECENT_DAYS * 86_400 * plan.tickets) / SPAN_SECONDS);
    const sql = TICKETS_SQL(plan.prestations, plan.communes);
    const started = performance.now();
    let rows = 0;
    for (let lo = 1; lo <= plan.tickets; lo += plan.chunk) {
      const hi = Math.min(plan.tickets, lo + plan.chunk - 1);
      const result = await client.query<{ first: string; last: string; appointments: string }>(sql, [lo, hi, plan.tickets, now, SPAN_SECONDS]);
      const r = result.rows[0]!;
      if (hi >= recentFromG) recentFromId = Math.min(recentFromId, Number(r.first));
      pastAppointments += Number(r.appointments);
      rows += hi - lo + 1;
      if (plan.tickets > plan.chunk) progress(`    tickets ${hi.toLocaleString('en-US')} / ${plan.tickets.toLocaleString('en-US')} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    return rows;
  });
  await phase('future appointments', async () => (await client.query(FUTURE_APPOINTMENTS_SQL(plan.communes), [recentFromId, now])).rowCount ?? 0);
  // The same client then reads the plans: back to the server's settings.
  await client.query('RESET synchronous_commit; RESET jit; RESET enable_nestloop; RESET session_replication_role');
  if (plan.foreignKeys === 'end') await phase('foreign keys checked', () => checkForeignKeys(client), 'constraints');
  const seconds = (performance.now() - t0) / 1000;

  // autovacuum is off on this machine's server: statistics and the visibility map are made
  // explicitly, as autovacuum would after such a load in production.
  const t1 = performance.now();
  await client.query('VACUUM (ANALYZE)');
  const vacuumSeconds = (performance.now() - t1) / 1000;
  progress(`  VACUUM ANALYZE: ${vacuumSeconds.toFixed(1)} s`);

  const counts = await client.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM operators)::text AS operators, (SELECT count(*) FROM prestations)::text AS prestations,
            (SELECT count(*) FROM signalisations)::text AS signalisations, (SELECT count(*) FROM signalisation_history)::text AS history,
            (SELECT count(*) FROM signalisation_comments)::text AS comments, (SELECT count(*) FROM rdv_plannings)::text AS patterns,
            (SELECT count(*) FROM rdv_creneaux)::text AS slots, (SELECT count(*) FROM rdv_rendezvous)::text AS appointments,
            (SELECT count(*) FROM rdv_zones)::text AS zones, (SELECT count(*) FROM line_tests)::text AS tests`,
  );
  const rows = Object.fromEntries(Object.entries(counts.rows[0]!).map(([k, v]) => [k, Number(v)]));
  rows.pastAppointments = pastAppointments;
  return { plan, phases, seconds, vacuumSeconds, rows };
}

export interface DiskUse {
  databaseBytes: number;
  tables: Array<{ name: string; tableBytes: number; indexBytes: number; totalBytes: number }>;
  indexes: Array<{ name: string; table: string; bytes: number }>;
}

/** pg_database_size and the biggest tables (with their indexes) and indexes of the current database. */
export async function diskUse(client: pg.Client, top = 10): Promise<DiskUse> {
  const db = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database())::text AS bytes');
  const tables = await client.query<{ name: string; table_bytes: string; index_bytes: string; total_bytes: string }>(
    `SELECT c.relname AS name, pg_table_size(c.oid)::text AS table_bytes, pg_indexes_size(c.oid)::text AS index_bytes,
            pg_total_relation_size(c.oid)::text AS total_bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = 'public'
      ORDER BY pg_total_relation_size(c.oid) DESC LIMIT $1`,
    [top],
  );
  const indexes = await client.query<{ name: string; table: string; bytes: string }>(
    `SELECT i.relname AS name, t.relname AS table, pg_relation_size(i.oid)::text AS bytes
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE n.nspname = 'public'
      ORDER BY pg_relation_size(i.oid) DESC LIMIT $1`,
    [top * 2],
  );
  return {
    databaseBytes: Number(db.rows[0]!.bytes),
    tables: tables.rows.map((r) => ({ name: r.name, tableBytes: Number(r.table_bytes), indexBytes: Number(r.index_bytes), totalBytes: Number(r.total_bytes) })),
    indexes: indexes.rows.map((r) => ({ name: r.name, table: r.table, bytes: Number(r.bytes) })),
  };
}
