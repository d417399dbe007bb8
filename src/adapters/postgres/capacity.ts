// SQL of the technicians' capacity administration (issue 14, decision 0018): weekly patterns,
// extra capacity, closures, the provider's non-working days, the audit of every change, and the
// regeneration that brings a zone's stored slots in line with its capacity. The slot search
// (SqlCapacityRepository, src/adapters/postgres/rendezvous.ts) generates through the same
// SlotGenerator, under the same per-zone lock, so every process sees one truth.
import {
  overCapacity,
  plannedWindows,
  reconcileSlots,
  zoneCalendar,
  type CapacityExtra,
  type Closure,
  type NonWorkingDay,
  type Perimetre,
  type StoredSlot,
} from '../../domain/capacity.js';
import type { HolidayCalendar } from '../../domain/holidays.js';
import { addDays, parisDayOf, parisDayStart, type ParisDay } from '../../domain/paris-calendar.js';
import type { TypeRendezVous, WorkingPattern } from '../../domain/rendezvous.js';
import type {
  BookedAppointment,
  CapacityAdminRepository,
  CapacityAuditEntry,
  CapacityExtraRecord,
  CapacityFilter,
  ClosureConflicts,
  ClosureKey,
  ExtraKey,
  Paging,
  PatternKey,
  ClosureRecord,
  NonWorkingDayRecord,
  Regeneration,
  ZoneSlot,
} from '../../application/capacity-ports.js';
import type { Database, Queryable } from './db.js';
import { insertAudit } from './audit-log.js';

/** SQL condition: slot `c` lies in a closure (the search never offers it). */
export const IN_CLOSURE = `EXISTS (SELECT 1 FROM rdv_fermetures f
   WHERE (f.perimetre IS NULL OR starts_with(c.code_insee, f.perimetre))
     AND (f.type_rdv IS NULL OR f.type_rdv = c.type_rdv)
     AND f.debut < c.fin AND c.debut < f.fin)`;

interface PatternRow {
  code_insee: string;
  type_rdv: string;
  jour: number;
  debut: string;
  fin: string;
  duree_minutes: number;
  techniciens: number;
  jours_feries: boolean;
}

const toPattern = (r: PatternRow): WorkingPattern => ({
  codeInsee: r.code_insee,
  type: r.type_rdv as TypeRendezVous,
  jour: Number(r.jour),
  debut: r.debut,
  fin: r.fin,
  dureeMinutes: Number(r.duree_minutes),
  techniciens: Number(r.techniciens),
  joursFeries: r.jours_feries,
});

interface ExtraRow {
  id: number | string;
  code_insee: string;
  type_rdv: string;
  jour: string;
  debut: string;
  fin: string;
  duree_minutes: number;
  techniciens: number;
  motif: string | null;
  cree_le: Date;
  cree_par: string;
}

const PATTERN_COLUMNS = 'code_insee, type_rdv, jour, debut, fin, duree_minutes, techniciens, jours_feries';
const EXTRA_COLUMNS = `id, code_insee, type_rdv, to_char(jour, 'YYYY-MM-DD') AS jour, debut, fin, duree_minutes, techniciens, motif, cree_le, cree_par`;

const toExtra = (r: ExtraRow): CapacityExtraRecord => ({
  id: Number(r.id),
  codeInsee: r.code_insee,
  type: r.type_rdv as TypeRendezVous,
  jour: r.jour,
  debut: r.debut,
  fin: r.fin,
  dureeMinutes: Number(r.duree_minutes),
  techniciens: Number(r.techniciens),
  motif: r.motif,
  creeLe: r.cree_le,
  creePar: r.cree_par,
});

interface ClosureRow {
  id: number | string;
  perimetre: string | null;
  type_rdv: string | null;
  debut: Date;
  fin: Date;
  motif: string;
  cree_le: Date;
  cree_par: string;
}

const toClosure = (r: ClosureRow): ClosureRecord => ({
  id: Number(r.id),
  perimetre: r.perimetre,
  type: r.type_rdv as TypeRendezVous | null,
  debut: r.debut,
  fin: r.fin,
  motif: r.motif,
  creeLe: r.cree_le,
  creePar: r.cree_par,
});

interface DayRow {
  id: number | string;
  jour: string;
  perimetre: string | null;
  libelle: string;
  cree_le: Date;
  cree_par: string;
}

const DAY_COLUMNS = `id, to_char(jour, 'YYYY-MM-DD') AS jour, perimetre, libelle, cree_le, cree_par`;

const toDay = (r: DayRow): NonWorkingDayRecord => ({
  id: Number(r.id),
  jour: r.jour,
  perimetre: r.perimetre,
  libelle: r.libelle,
  creeLe: r.cree_le,
  creePar: r.cree_par,
});

interface SlotRow {
  id: number | string;
  code_insee: string;
  type_rdv: string;
  debut: Date;
  fin: Date;
  technicien: number;
  retire: boolean;
  reference: string | null;
  operator_code: string | null;
  referenced: boolean;
}

const SELECT_SLOTS = `SELECT c.id, c.code_insee, c.type_rdv, c.debut, c.fin, c.technicien, c.retire_le IS NOT NULL AS retire,
       r.reference, r.operator_code,
       EXISTS (SELECT 1 FROM rdv_rendezvous a WHERE a.creneau_id = c.id) AS referenced
  FROM rdv_creneaux c
  LEFT JOIN rdv_rendezvous r ON r.creneau_id = c.id AND r.statut = 'RESERVE'`;

const toZoneSlot = (r: SlotRow): ZoneSlot => ({
  id: Number(r.id),
  codeInsee: r.code_insee,
  type: r.type_rdv as TypeRendezVous,
  debut: r.debut,
  fin: r.fin,
  technicien: Number(r.technicien),
  reserve: r.reference !== null,
  retire: r.retire,
  reference: r.referenced,
  rendezVous: r.reference !== null ? { reference: r.reference, operatorCode: r.operator_code! } : null,
});

interface BookedRow {
  reference: string;
  operator_code: string;
  creneau_id: number | string;
  code_insee: string;
  type_rdv: string;
  debut: Date;
  fin: Date;
}

const SELECT_BOOKED = `SELECT r.reference, r.operator_code, c.id AS creneau_id, c.code_insee, c.type_rdv, c.debut, c.fin
  FROM rdv_rendezvous r JOIN rdv_creneaux c ON c.id = r.creneau_id
 WHERE r.statut = 'RESERVE'`;

const toBooked = (r: BookedRow): BookedAppointment => ({
  reference: r.reference,
  operatorCode: r.operator_code,
  creneauId: Number(r.creneau_id),
  codeInsee: r.code_insee,
  type: r.type_rdv as TypeRendezVous,
  debut: r.debut,
  fin: r.fin,
});

/** Rows by key, each list in the rows' order. */
const groupBy = <T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
};

export async function zonePatterns(q: Queryable, codeInsee: string): Promise<WorkingPattern[]> {
  return (await patternsOfZones(q, [codeInsee])).get(codeInsee) ?? [];
}

/** The weekly patterns of several zones, by zone (each in type, day, start order); one statement. */
async function patternsOfZones(q: Queryable, zones: readonly string[]): Promise<Map<string, WorkingPattern[]>> {
  const rows = await q.query<PatternRow>(
    `SELECT ${PATTERN_COLUMNS} FROM rdv_plannings WHERE code_insee = ANY($1::text[]) ORDER BY code_insee, type_rdv, jour, debut`,
    [zones],
  );
  return groupBy(rows.map(toPattern), (p) => p.codeInsee);
}

/**
 * The covered ranges of zones grow when their new days touch them; otherwise they restart at them.
 * One statement for any number of zones (the horizon job records thousands at once).
 */
async function extendCoverage(q: Queryable, ranges: ReadonlyArray<{ codeInsee: string; from: ParisDay; to: ParisDay }>): Promise<void> {
  if (ranges.length === 0) return;
  await q.query(
    `INSERT INTO rdv_zones (code_insee, genere_du, genere_au)
     SELECT * FROM unnest($1::text[], $2::date[], $3::date[])
     ON CONFLICT (code_insee) DO UPDATE SET
       genere_du = CASE WHEN rdv_zones.genere_au + 1 >= EXCLUDED.genere_du AND EXCLUDED.genere_au + 1 >= rdv_zones.genere_du
                        THEN LEAST(rdv_zones.genere_du, EXCLUDED.genere_du) ELSE EXCLUDED.genere_du END,
       genere_au = CASE WHEN rdv_zones.genere_au + 1 >= EXCLUDED.genere_du AND EXCLUDED.genere_au + 1 >= rdv_zones.genere_du
                        THEN GREATEST(rdv_zones.genere_au, EXCLUDED.genere_au) ELSE EXCLUDED.genere_au END`,
    [ranges.map((r) => r.codeInsee), ranges.map((r) => r.from), ranges.map((r) => r.to)],
  );
}

interface CoverageRow {
  code_insee: string;
  genere_du: string;
  genere_au: string;
}

async function coverageOf(q: Queryable, codeInsee: string): Promise<CoverageRow | undefined> {
  return (await coveragesOf(q, [codeInsee])).get(codeInsee);
}

async function coveragesOf(q: Queryable, zones: readonly string[]): Promise<Map<string, CoverageRow>> {
  const rows = await q.query<CoverageRow>(
    `SELECT code_insee, to_char(genere_du, 'YYYY-MM-DD') AS genere_du, to_char(genere_au, 'YYYY-MM-DD') AS genere_au
       FROM rdv_zones WHERE code_insee = ANY($1::text[])`,
    [zones],
  );
  return new Map(rows.map((r) => [r.code_insee, r]));
}

/**
 * The days of [today, to] a zone still needs, given what is covered: none when covered; the days
 * after the coverage when it reaches today (what the rolling horizon adds each day); else all.
 */
export function uncoveredDays(covered: { genere_du: ParisDay; genere_au: ParisDay } | undefined, today: ParisDay, to: ParisDay): { from: ParisDay; to: ParisDay } | undefined {
  if (covered && covered.genere_du <= today && to <= covered.genere_au) return undefined;
  if (covered && covered.genere_du <= today && covered.genere_au >= addDays(today, -1)) return { from: addDays(covered.genere_au, 1), to };
  return { from: today, to };
}

/** One zone's days to reconcile. */
interface ZoneDays {
  codeInsee: string;
  from: ParisDay;
  to: ParisDay;
}

interface ZoneReconciliation {
  /** The zone has patterns or extra capacity in those days (else nothing is recorded as covered). */
  capacity: boolean;
  ajoutes: number;
  retires: number;
  horsCapacite: number[];
}

/** How many zones the horizon job reconciles in one transaction (one advisory lock each). */
export const HORIZON_BATCH_ZONES = 200;

/**
 * Generates and regenerates a zone's slots from its capacity: weekly patterns, extra capacity,
 * national public holidays (`calendar`) and the provider's non-working days. Closures are not
 * materialised: the search filters them out (IN_CLOSURE), so removing one needs no regeneration.
 */
export class SlotGenerator {
  constructor(private readonly calendar: HolidayCalendar) {}

  /**
   * Serialises the generations of the zones across processes until the transaction ends. Several
   * zones are locked in the order given (sorted by the callers), one statement.
   */
  private async lock(q: Queryable, zones: readonly string[]): Promise<void> {
    if (zones.length === 1) await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rdv_zone:${zones[0]}`]);
    else await q.query(`SELECT count(pg_advisory_xact_lock(hashtext('rdv_zone:' || z))) FROM unnest($1::text[]) AS z`, [zones]);
  }

  /**
   * Makes sure the zone's days [from, to] are generated (the search's rolling horizon): nothing
   * to do when they are covered; else, under the zone lock, the days are reconciled with the
   * capacity and recorded as covered. Returns how many slots were added.
   */
  async ensure(db: Database, codeInsee: string, days: { from: ParisDay; to: ParisDay }, now: Date): Promise<number> {
    const covered = await coverageOf(db, codeInsee);
    if (covered && covered.genere_du <= days.from && days.to <= covered.genere_au) return 0;
    return db.transaction(async (tx) => {
      await this.lock(tx, [codeInsee]);
      const again = await coverageOf(tx, codeInsee);
      if (again && again.genere_du <= days.from && days.to <= again.genere_au) return 0;
      const result = (await this.reconcile(tx, [{ codeInsee, ...days }], now)).get(codeInsee)!;
      // A zone without capacity records nothing: a search may name any commune.
      if (result.capacity) await extendCoverage(tx, [{ codeInsee, ...days }]);
      return result.ajoutes;
    });
  }

  /**
   * The rolling horizon of every zone with capacity (the scheduled job): the zones whose coverage
   * does not reach `to` are found by one query, then reconciled `batchZones` at a time, each batch
   * one transaction under its zones' locks and a constant number of statements, and only for the
   * days they miss (usually the one new day). Stops between batches when `signal` is aborted.
   */
  async ensureHorizon(
    db: Database,
    days: { from: ParisDay; to: ParisDay },
    now: Date,
    options: { batchZones?: number; signal?: AbortSignal } = {},
  ): Promise<{ zones: number; ajoutes: number }> {
    const batchZones = options.batchZones ?? HORIZON_BATCH_ZONES;
    const candidates = await db.query<{ code_insee: string }>(
      `SELECT z.code_insee
         FROM (SELECT code_insee FROM rdv_plannings UNION SELECT code_insee FROM rdv_supplements WHERE jour BETWEEN $1::date AND $2::date) z
         LEFT JOIN rdv_zones r ON r.code_insee = z.code_insee
        WHERE r.code_insee IS NULL OR r.genere_du > $1::date OR r.genere_au < $2::date`,
      [days.from, days.to],
    );
    const zones = candidates.map((r) => r.code_insee).sort();
    const out = { zones: 0, ajoutes: 0 };
    for (let i = 0; i < zones.length; i += batchZones) {
      if (options.signal?.aborted) break;
      const batch = zones.slice(i, i + batchZones);
      await db.transaction(async (tx) => {
        await this.lock(tx, batch);
        // Read again under the locks: a search or a change may have generated meanwhile.
        const covered = await coveragesOf(tx, batch);
        const items: ZoneDays[] = [];
        for (const codeInsee of batch) {
          const missing = uncoveredDays(covered.get(codeInsee), days.from, days.to);
          if (missing) items.push({ codeInsee, ...missing });
        }
        const results = await this.reconcile(tx, items, now);
        await extendCoverage(
          tx,
          items.filter((z) => results.get(z.codeInsee)!.capacity),
        );
        out.zones += items.length;
        for (const r of results.values()) out.ajoutes += r.ajoutes;
      });
    }
    return out;
  }

  /**
   * Regenerates, inside the caller's transaction, the future days already generated of every zone
   * the perimeter covers. Returns the counts and the booked slots now beyond capacity.
   */
  async regenerate(q: Queryable, perimetre: Perimetre, now: Date): Promise<{ zones: string[]; ajoutes: number; retires: number; horsCapacite: number[] }> {
    const zones = await q.query<{ code_insee: string }>(
      `SELECT code_insee FROM rdv_zones WHERE $1::text IS NULL OR starts_with(code_insee, $1::text)
       UNION
       SELECT DISTINCT code_insee FROM rdv_creneaux WHERE debut > $2 AND ($1::text IS NULL OR starts_with(code_insee, $1::text))
       ORDER BY 1`,
      [perimetre, now],
    );
    const today = parisDayOf(now);
    const out = { zones: [] as string[], ajoutes: 0, retires: 0, horsCapacite: [] as number[] };
    for (const { code_insee: zone } of zones) {
      await this.lock(q, [zone]);
      const covered = await coverageOf(q, zone);
      const [last] = await q.query<{ debut: Date | null }>('SELECT max(debut) AS debut FROM rdv_creneaux WHERE code_insee = $1', [zone]);
      const ends = [covered?.genere_au, last?.debut ? parisDayOf(last.debut) : undefined].filter((d): d is string => d !== undefined).sort();
      const to = ends.at(-1);
      if (to === undefined || to < today) continue;
      const result = (await this.reconcile(q, [{ codeInsee: zone, from: today, to }], now)).get(zone)!;
      out.zones.push(zone);
      out.ajoutes += result.ajoutes;
      out.retires += result.retires;
      out.horsCapacite.push(...result.horsCapacite);
    }
    return out;
  }

  /**
   * Brings the slots of each zone's days [from, to] starting after `now` in line with its
   * capacity. Any number of zones in a constant number of statements: the capacity and the stored
   * slots of all of them are read at once, each zone is reconciled by the domain's
   * `reconcileSlots`, and the changes are written at once.
   */
  private async reconcile(q: Queryable, items: readonly ZoneDays[], now: Date): Promise<Map<string, ZoneReconciliation>> {
    const out = new Map<string, ZoneReconciliation>();
    if (items.length === 0) return out;
    const zones = items.map((z) => z.codeInsee);
    const first = items.reduce((d, z) => (z.from < d ? z.from : d), items[0]!.from);
    const last = items.reduce((d, z) => (z.to > d ? z.to : d), items[0]!.to);
    const patternsOf = await patternsOfZones(q, zones);
    const extrasOf = groupBy(
      (
        await q.query<ExtraRow>(`SELECT ${EXTRA_COLUMNS} FROM rdv_supplements WHERE code_insee = ANY($1::text[]) AND jour BETWEEN $2::date AND $3::date`, [
          zones,
          first,
          last,
        ])
      ).map(toExtra),
      (e) => e.codeInsee,
    );
    const extrasIn = (z: ZoneDays) => (extrasOf.get(z.codeInsee) ?? []).filter((e) => z.from <= e.jour && e.jour <= z.to);
    // A zone without capacity in those days is reconciled only if it still has future slots (its
    // patterns were removed): they must go.
    const bare = new Set(items.filter((z) => !patternsOf.has(z.codeInsee) && extrasIn(z).length === 0).map((z) => z.codeInsee));
    const withFutureSlots = new Set(
      bare.size === 0
        ? []
        : (
            await q.query<{ z: string }>(
              'SELECT z FROM unnest($1::text[]) AS z WHERE EXISTS (SELECT 1 FROM rdv_creneaux c WHERE c.code_insee = z AND c.debut > $2)',
              [[...bare], now],
            )
          ).map((r) => r.z),
    );
    const todo: ZoneDays[] = [];
    for (const z of items) {
      if (!bare.has(z.codeInsee) || withFutureSlots.has(z.codeInsee)) todo.push(z);
      else out.set(z.codeInsee, { capacity: false, ajoutes: 0, retires: 0, horsCapacite: [] });
    }
    if (todo.length === 0) return out;

    // The provider's non-working days of the period, all perimeters: zoneCalendar keeps each zone's.
    const days = (await q.query<DayRow>(`SELECT ${DAY_COLUMNS} FROM rdv_jours_non_travailles WHERE jour BETWEEN $1::date AND $2::date`, [first, last])).map(
      toDay,
    );
    const storedOf = groupBy(
      await q.query<SlotRow>(
        `${SELECT_SLOTS}
          JOIN unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS z (code_insee, debut, fin)
            ON c.code_insee = z.code_insee AND c.debut >= z.debut AND c.debut < z.fin`,
        [todo.map((z) => z.codeInsee), todo.map((z) => parisDayStart(z.from)), todo.map((z) => parisDayStart(addDays(z.to, 1)))],
      ),
      (r) => r.code_insee,
    );
    const remove: number[] = [];
    const retire: number[] = [];
    const reactivate: number[] = [];
    const insert: Array<{ codeInsee: string; type: TypeRendezVous; debut: Date; fin: Date; technicien: number }> = [];
    for (const z of todo) {
      const patterns = patternsOf.get(z.codeInsee) ?? [];
      const extras = extrasIn(z);
      const planned = plannedWindows(patterns, extras, z.from, z.to, zoneCalendar(this.calendar, days, z.codeInsee));
      const stored: StoredSlot[] = (storedOf.get(z.codeInsee) ?? []).map(toZoneSlot);
      const changes = reconcileSlots(planned, stored, now);
      remove.push(...changes.delete);
      retire.push(...changes.retire);
      reactivate.push(...changes.reactivate);
      for (const s of changes.insert) insert.push({ codeInsee: z.codeInsee, ...s });
      out.set(z.codeInsee, {
        capacity: patterns.length > 0 || extras.length > 0,
        ajoutes: changes.insert.length + changes.reactivate.length,
        retires: changes.delete.length + changes.retire.length,
        horsCapacite: overCapacity(planned, stored, now),
      });
    }
    if (remove.length > 0) {
      // Guarded again: a slot booked meanwhile is never deleted.
      await q.query(
        `DELETE FROM rdv_creneaux c WHERE c.id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM rdv_rendezvous a WHERE a.creneau_id = c.id)`,
        [remove],
      );
    }
    if (retire.length > 0) {
      await q.query(
        `UPDATE rdv_creneaux c SET retire_le = $2 WHERE c.id = ANY($1::bigint[])
            AND NOT EXISTS (SELECT 1 FROM rdv_rendezvous a WHERE a.creneau_id = c.id AND a.statut = 'RESERVE')`,
        [retire, now],
      );
    }
    if (reactivate.length > 0) {
      await q.query('UPDATE rdv_creneaux SET retire_le = NULL WHERE id = ANY($1::bigint[])', [reactivate]);
    }
    if (insert.length > 0) {
      await q.query(
        `INSERT INTO rdv_creneaux (code_insee, type_rdv, debut, fin, technicien)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::smallint[])
         ON CONFLICT ON CONSTRAINT rdv_creneaux_unique DO NOTHING`,
        [
          insert.map((s) => s.codeInsee),
          insert.map((s) => s.type),
          insert.map((s) => s.debut.toISOString()),
          insert.map((s) => s.fin.toISOString()),
          insert.map((s) => s.technicien),
        ],
      );
    }
    return out;
  }
}

export class SqlCapacityAdminRepository implements CapacityAdminRepository {
  constructor(
    private readonly db: Database,
    private readonly generator: SlotGenerator,
    private readonly tx?: Queryable,
  ) {}

  private get q(): Queryable {
    return this.tx ?? this.db;
  }

  transaction<T>(work: (repository: CapacityAdminRepository) => Promise<T>): Promise<T> {
    if (this.tx) return work(this);
    return this.db.transaction((tx) => work(new SqlCapacityAdminRepository(this.db, this.generator, tx)));
  }

  async patterns(filter: CapacityFilter & Paging<PatternKey>): Promise<WorkingPattern[]> {
    // A page resumes after its last line (the order of rdv_plannings_unique: a range of it).
    const a = filter.after;
    const rows = await this.q.query<PatternRow>(
      `SELECT ${PATTERN_COLUMNS} FROM rdv_plannings
        WHERE ($1::text IS NULL OR code_insee = $1) AND ($2::text IS NULL OR type_rdv = $2)
          AND ($3::text IS NULL OR (code_insee, type_rdv, jour, debut) > ($3::text, $4::text, $5::smallint, $6::text))
        ORDER BY code_insee, type_rdv, jour, debut LIMIT $7`,
      [filter.codeInsee ?? null, filter.type ?? null, a?.codeInsee ?? null, a?.type ?? null, a?.jour ?? null, a?.debut ?? null, filter.limit ?? null],
    );
    return rows.map(toPattern);
  }

  async replacePatterns(codeInsee: string, type: TypeRendezVous, lines: readonly WorkingPattern[]): Promise<void> {
    await this.q.query('DELETE FROM rdv_plannings WHERE code_insee = $1 AND type_rdv = $2', [codeInsee, type]);
    for (const p of lines) {
      await this.q.query(
        `INSERT INTO rdv_plannings (code_insee, type_rdv, jour, debut, fin, duree_minutes, techniciens, jours_feries)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [codeInsee, type, p.jour, p.debut, p.fin, p.dureeMinutes, p.techniciens, p.joursFeries],
      );
    }
  }

  async extras(filter: CapacityFilter & { from?: ParisDay; to?: ParisDay } & Paging<ExtraKey>): Promise<CapacityExtraRecord[]> {
    const a = filter.after;
    const rows = await this.q.query<ExtraRow>(
      `SELECT ${EXTRA_COLUMNS} FROM rdv_supplements
        WHERE ($1::text IS NULL OR code_insee = $1) AND ($2::text IS NULL OR type_rdv = $2)
          AND ($3::date IS NULL OR jour >= $3::date) AND ($4::date IS NULL OR jour <= $4::date)
          AND ($5::date IS NULL OR (jour, debut, id) > ($5::date, $6::text, $7::bigint))
        ORDER BY jour, debut, id LIMIT $8`,
      [filter.codeInsee ?? null, filter.type ?? null, filter.from ?? null, filter.to ?? null, a?.jour ?? null, a?.debut ?? null, a?.id ?? null, filter.limit ?? null],
    );
    return rows.map(toExtra);
  }

  async addExtra(e: CapacityExtra & { motif: string | null }, at: Date, by: string): Promise<CapacityExtraRecord> {
    const [row] = await this.q.query<ExtraRow>(
      `INSERT INTO rdv_supplements (code_insee, type_rdv, jour, debut, fin, duree_minutes, techniciens, motif, cree_le, cree_par)
       VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10) RETURNING ${EXTRA_COLUMNS}`,
      [e.codeInsee, e.type, e.jour, e.debut, e.fin, e.dureeMinutes, e.techniciens, e.motif, at, by],
    );
    return toExtra(row!);
  }

  async deleteExtra(id: number): Promise<CapacityExtraRecord | undefined> {
    const [row] = await this.q.query<ExtraRow>(`DELETE FROM rdv_supplements WHERE id = $1 RETURNING ${EXTRA_COLUMNS}`, [id]);
    return row ? toExtra(row) : undefined;
  }

  async closures(filter: { codeInsee?: string; type?: TypeRendezVous; from?: Date; to?: Date } & Paging<ClosureKey>): Promise<ClosureRecord[]> {
    const a = filter.after;
    const rows = await this.q.query<ClosureRow>(
      `SELECT * FROM rdv_fermetures
        WHERE ($1::text IS NULL OR perimetre IS NULL OR starts_with($1::text, perimetre))
          AND ($2::text IS NULL OR type_rdv IS NULL OR type_rdv = $2)
          AND ($3::timestamptz IS NULL OR fin > $3) AND ($4::timestamptz IS NULL OR debut < $4)
          AND ($5::timestamptz IS NULL OR (debut, id) > ($5::timestamptz, $6::bigint))
        ORDER BY debut, id LIMIT $7`,
      [filter.codeInsee ?? null, filter.type ?? null, filter.from ?? null, filter.to ?? null, a?.debut ?? null, a?.id ?? null, filter.limit ?? null],
    );
    return rows.map(toClosure);
  }

  async addClosure(c: Closure & { motif: string }, at: Date, by: string): Promise<ClosureRecord> {
    const [row] = await this.q.query<ClosureRow>(
      `INSERT INTO rdv_fermetures (perimetre, type_rdv, debut, fin, motif, cree_le, cree_par) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [c.perimetre, c.type, c.debut, c.fin, c.motif, at, by],
    );
    return toClosure(row!);
  }

  async deleteClosure(id: number): Promise<ClosureRecord | undefined> {
    const [row] = await this.q.query<ClosureRow>('DELETE FROM rdv_fermetures WHERE id = $1 RETURNING *', [id]);
    return row ? toClosure(row) : undefined;
  }

  async closureConflicts(closures: readonly ClosureRecord[], now: Date, perClosure: number): Promise<Map<number, ClosureConflicts>> {
    const result = new Map<number, ClosureConflicts>(closures.map((c) => [c.id, { conflits: [], total: 0 }]));
    if (closures.length === 0) return result;
    // The page's closures as arrays (one statement whatever their number); for each, its count
    // and its first appointments, each a LATERAL subquery on the slots' (commune, type, start)
    // range. A national closure (no perimeter) counts every booked appointment of its period but
    // lists only `perClosure` of them.
    const rows = await this.q.query<BookedRow & { fermeture_id: string; total: string }>(
      `WITH f AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) AS f(id, perimetre, type_rdv, debut, fin))
       SELECT f.id AS fermeture_id, n.total, b.reference, b.operator_code, b.creneau_id, b.code_insee, b.type_rdv, b.debut, b.fin
         FROM f
         CROSS JOIN LATERAL (
           SELECT count(*) AS total FROM rdv_rendezvous r JOIN rdv_creneaux c ON c.id = r.creneau_id
            WHERE r.statut = 'RESERVE' AND (f.perimetre IS NULL OR starts_with(c.code_insee, f.perimetre)) AND (f.type_rdv IS NULL OR c.type_rdv = f.type_rdv)
              AND c.debut < f.fin AND f.debut < c.fin AND c.debut > $6) n
         LEFT JOIN LATERAL (
           ${SELECT_BOOKED}
              AND (f.perimetre IS NULL OR starts_with(c.code_insee, f.perimetre)) AND (f.type_rdv IS NULL OR c.type_rdv = f.type_rdv)
              AND c.debut < f.fin AND f.debut < c.fin AND c.debut > $6
            ORDER BY c.debut, c.code_insee, r.reference LIMIT $7) b ON n.total > 0
        ORDER BY f.id, b.debut, b.code_insee, b.reference`,
      [closures.map((c) => c.id), closures.map((c) => c.perimetre), closures.map((c) => c.type), closures.map((c) => c.debut), closures.map((c) => c.fin), now, perClosure],
    );
    for (const row of rows) {
      const entry = result.get(Number(row.fermeture_id))!;
      entry.total = Number(row.total);
      if (row.reference !== null) entry.conflits.push(toBooked(row));
    }
    return result;
  }

  async nonWorkingDays(filter: { from: ParisDay; to: ParisDay; codeInsee?: string }): Promise<NonWorkingDayRecord[]> {
    const rows = await this.q.query<DayRow>(
      `SELECT ${DAY_COLUMNS} FROM rdv_jours_non_travailles
        WHERE jour BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR perimetre IS NULL OR starts_with($3::text, perimetre))
        ORDER BY jour, perimetre NULLS FIRST`,
      [filter.from, filter.to, filter.codeInsee ?? null],
    );
    return rows.map(toDay);
  }

  async addNonWorkingDay(d: NonWorkingDay & { libelle: string }, at: Date, by: string): Promise<NonWorkingDayRecord | undefined> {
    const [row] = await this.q.query<DayRow>(
      `INSERT INTO rdv_jours_non_travailles (jour, perimetre, libelle, cree_le, cree_par) VALUES ($1::date, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING ${DAY_COLUMNS}`,
      [d.jour, d.perimetre, d.libelle, at, by],
    );
    return row ? toDay(row) : undefined;
  }

  async deleteNonWorkingDay(id: number): Promise<NonWorkingDayRecord | undefined> {
    const [row] = await this.q.query<DayRow>(`DELETE FROM rdv_jours_non_travailles WHERE id = $1 RETURNING ${DAY_COLUMNS}`, [id]);
    return row ? toDay(row) : undefined;
  }

  async regenerate(perimetre: Perimetre, now: Date): Promise<Regeneration> {
    const result = await this.generator.regenerate(this.q, perimetre, now);
    const horsCapacite =
      result.horsCapacite.length === 0
        ? []
        : (await this.q.query<BookedRow>(`${SELECT_BOOKED} AND c.id = ANY($1::bigint[]) ORDER BY c.debut, c.code_insee, r.reference`, [result.horsCapacite])).map(
            toBooked,
          );
    return { zones: result.zones, ajoutes: result.ajoutes, retires: result.retires, horsCapacite };
  }

  async slots(codeInsee: string, from: Date, to: Date): Promise<ZoneSlot[]> {
    const rows = await this.q.query<SlotRow>(
      `${SELECT_SLOTS} WHERE c.code_insee = $1 AND c.debut >= $2 AND c.debut < $3 AND (c.retire_le IS NULL OR r.reference IS NOT NULL)
        ORDER BY c.debut, c.type_rdv, c.fin, c.technicien`,
      [codeInsee, from, to],
    );
    return rows.map(toZoneSlot);
  }

  async audit(entry: CapacityAuditEntry): Promise<void> {
    await insertAudit(this.q, entry);
  }
}

/** How many past slots one purge statement looks at (its own short transaction). */
export const PURGE_BATCH_SLOTS = 5000;

/**
 * Deletes the free slots that started before `before` — no appointment row references them, live
 * or cancelled (those stay: they are the appointments' history) — in batches of `batchSlots`
 * slots in start order, each one autocommitted statement that also records how far it went
 * (rdv_purge_creneaux), so the next run starts there instead of walking the kept history again.
 * Stops between batches when `signal` is aborted. Returns how many slots were deleted.
 */
export async function purgeFreeSlots(
  db: Database,
  before: Date,
  now: Date,
  options: { batchSlots?: number; signal?: AbortSignal } = {},
): Promise<{ supprimes: number; lots: number }> {
  const batchSlots = options.batchSlots ?? PURGE_BATCH_SLOTS;
  const [mark] = await db.query<{ purge_avant: Date }>('SELECT purge_avant FROM rdv_purge_creneaux');
  // Rows at the mark's very instant may not all have been seen: start at it, inclusive.
  let cursor: { debut: Date | string; id: number } = { debut: mark?.purge_avant ?? '-infinity', id: 0 };
  const out = { supprimes: 0, lots: 0 };
  while (!options.signal?.aborted) {
    const [row] = await db.query<{ scanned: number; deleted: number; last_debut: Date | null; last_id: string | null }>(
      `WITH scanned AS (
         SELECT c.id, c.debut FROM rdv_creneaux c
          WHERE (c.debut, c.id) > ($1::timestamptz, $2::bigint) AND c.debut < $3
          ORDER BY c.debut, c.id
          LIMIT $4
       ), deleted AS (
         DELETE FROM rdv_creneaux c USING scanned s
          WHERE c.id = s.id AND NOT EXISTS (SELECT 1 FROM rdv_rendezvous a WHERE a.creneau_id = c.id)
         RETURNING c.id
       ), last AS (
         SELECT debut, id FROM scanned ORDER BY debut DESC, id DESC LIMIT 1
       ), marked AS (
         INSERT INTO rdv_purge_creneaux (purge_avant, derniere_purge, supprimes)
         SELECT CASE WHEN (SELECT count(*) FROM scanned) < $4 THEN $3 ELSE (SELECT debut FROM last) END, $5, (SELECT count(*) FROM deleted)
         ON CONFLICT (id) DO UPDATE SET purge_avant = GREATEST(rdv_purge_creneaux.purge_avant, EXCLUDED.purge_avant),
                                        derniere_purge = EXCLUDED.derniere_purge,
                                        supprimes = rdv_purge_creneaux.supprimes + EXCLUDED.supprimes
       )
       SELECT (SELECT count(*) FROM scanned)::int AS scanned, (SELECT count(*) FROM deleted)::int AS deleted,
              (SELECT debut FROM last) AS last_debut, (SELECT id FROM last)::text AS last_id`,
      [cursor.debut, cursor.id, before, batchSlots, now],
    );
    out.lots += 1;
    out.supprimes += row!.deleted;
    if (row!.scanned < batchSlots || row!.last_debut === null) break;
    cursor = { debut: row!.last_debut, id: Number(row!.last_id) };
  }
  return out;
}
