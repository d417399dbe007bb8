// SQL of the appointment aggregate: working patterns, technician slots (generated over a rolling
// horizon) and appointments. "A slot is booked at most once" is the partial unique index
// rdv_rendezvous_creneau_reserve (migration 0003): a racing booking waits for the first one to
// commit, then conflicts, whatever the code above does.
import { type StatutRendezVous, type TypeRendezVous, type WorkingPattern, type CanalRendezVous } from '../../domain/rendezvous.js';
import { parisDayStart, type ParisDay } from '../../domain/paris-calendar.js';
import type { HolidayCalendar } from '../../domain/holidays.js';
import {
  SlotUnavailable,
  type CapacityRepository,
  type Creneau,
  type FreeSlotQuery,
  type NewRendezVous,
  type RendezVous,
  type RendezVousRepository,
} from '../../application/rendezvous-ports.js';
import type { Signalisation, SignalisationChange, SignalisationKey } from '../../application/signalisation-ports.js';
import type { Database, PreparedStatement, Queryable, TransactionQueryable } from './db.js';
import { SqlSignalisationRepository } from './signalisations.js';
import { recordTicketEvent } from './push.js';
import { IN_CLOSURE, purgeFreeSlots, SlotGenerator, zonePatterns } from './capacity.js';

const LIVE_SLOT_INDEX = 'rdv_rendezvous_creneau_reserve';

interface CreneauRow {
  id: number | string;
  code_insee: string;
  type_rdv: string;
  debut: Date;
  fin: Date;
}

function toCreneau(r: CreneauRow): Creneau {
  return { id: Number(r.id), codeInsee: r.code_insee, type: r.type_rdv as TypeRendezVous, debut: r.debut, fin: r.fin };
}

export class SqlCapacityRepository implements CapacityRepository {
  private readonly generator: SlotGenerator;

  constructor(
    private readonly db: Database,
    calendar: HolidayCalendar,
  ) {
    // Patterns, extra capacity and the provider's non-working days (src/adapters/postgres/capacity.ts).
    this.generator = new SlotGenerator(calendar);
  }

  async upsertPatterns(patterns: readonly WorkingPattern[]): Promise<void> {
    if (patterns.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const p of patterns) {
        await tx.query(
          `INSERT INTO rdv_plannings (code_insee, type_rdv, jour, debut, fin, duree_minutes, techniciens, jours_feries)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT ON CONSTRAINT rdv_plannings_unique
           DO UPDATE SET fin = EXCLUDED.fin, duree_minutes = EXCLUDED.duree_minutes,
                         techniciens = EXCLUDED.techniciens, jours_feries = EXCLUDED.jours_feries`,
          [p.codeInsee, p.type, p.jour, p.debut, p.fin, p.dureeMinutes, p.techniciens, p.joursFeries],
        );
      }
      // New capacity: the zones' days are generated again on next use (idempotent).
      await tx.query('DELETE FROM rdv_zones WHERE code_insee = ANY($1::text[])', [[...new Set(patterns.map((p) => p.codeInsee))]]);
    });
  }

  patterns(codeInsee: string): Promise<WorkingPattern[]> {
    return zonePatterns(this.db, codeInsee);
  }

  /**
   * Generation under the zone's lock, from its patterns, extra capacity and holidays (national and
   * the provider's), reconciling stored slots (decision 0018); slots starting by `now` (default: the
   * start of the first day) are left as they are.
   */
  ensureSlots(codeInsee: string, days: { from: ParisDay; to: ParisDay }, now?: Date): Promise<number> {
    return this.generator.ensure(this.db, codeInsee, days, now ?? parisDayStart(days.from));
  }

  extendHorizon(days: { from: ParisDay; to: ParisDay }, now: Date, signal?: AbortSignal): Promise<{ zones: number; ajoutes: number }> {
    return this.generator.ensureHorizon(this.db, days, now, signal ? { signal } : {});
  }

  purgeFreeSlots(before: Date, now: Date, signal?: AbortSignal): Promise<{ supprimes: number; lots: number }> {
    return purgeFreeSlots(this.db, before, now, signal ? { signal } : {});
  }

  async freeSlots(q: FreeSlotQuery): Promise<Creneau[]> {
    // One free technician slot per distinct window (the lowest technician number first): the
    // operator chooses a time, not a technician.
    const rows = await this.db.query<CreneauRow>(
      `SELECT DISTINCT ON (c.debut, c.fin) c.id, c.code_insee, c.type_rdv, c.debut, c.fin
         FROM rdv_creneaux c
        WHERE c.code_insee = $1 AND c.type_rdv = $2
          AND c.debut >= $3 AND c.fin <= $4 AND c.debut > $5
          AND c.retire_le IS NULL AND NOT ${IN_CLOSURE}
          AND NOT EXISTS (SELECT 1 FROM rdv_rendezvous r WHERE r.creneau_id = c.id AND r.statut = 'RESERVE')
        ORDER BY c.debut, c.fin, c.technicien
        LIMIT $6`,
      [q.codeInsee, q.type, q.debut, q.fin, q.now, q.limit],
    );
    return rows.map(toCreneau);
  }

  async slot(id: number): Promise<Creneau | undefined> {
    // A withdrawn slot, or one in a closure, can no longer be booked (nor moved to).
    const [row] = await this.db.query<CreneauRow>(
      `SELECT c.id, c.code_insee, c.type_rdv, c.debut, c.fin FROM rdv_creneaux c WHERE c.id = $1 AND c.retire_le IS NULL AND NOT ${IN_CLOSURE}`,
      [id],
    );
    return row ? toCreneau(row) : undefined;
  }
}

interface RendezVousRow extends CreneauRow {
  rdv_id: number | string;
  reference: string;
  operator_code: string;
  signalisation_id: number | string | null;
  prestation_id: string | null;
  statut: string;
  canal: string;
  nature_produit: string | null;
  segment_marche: string | null;
  reserve_le: Date;
  modifie_le: Date;
  reports: number;
  annule_le: Date | null;
}

const SELECT_RENDEZ_VOUS = `SELECT r.id AS rdv_id, r.reference, r.operator_code, r.signalisation_id, s.prestation_id,
       c.id, c.code_insee, c.type_rdv, c.debut, c.fin,
       r.statut, r.canal, r.nature_produit, r.segment_marche, r.reserve_le, r.modifie_le, r.reports, r.annule_le
  FROM rdv_rendezvous r
  JOIN rdv_creneaux c ON c.id = r.creneau_id
  LEFT JOIN signalisations s ON s.id = r.signalisation_id`;

function toRendezVous(r: RendezVousRow): RendezVous {
  return {
    id: Number(r.rdv_id),
    reference: r.reference,
    operatorCode: r.operator_code,
    signalisationId: r.signalisation_id === null ? null : Number(r.signalisation_id),
    prestationId: r.prestation_id,
    creneau: toCreneau(r),
    statut: r.statut as StatutRendezVous,
    canal: r.canal as CanalRendezVous,
    natureProduit: r.nature_produit,
    segmentMarche: r.segment_marche,
    reserveLe: r.reserve_le,
    modifieLe: r.modifie_le,
    reports: Number(r.reports),
    annuleLe: r.annule_le,
  };
}

function isLiveSlotConflict(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string } | null;
  // 23503: the slot was deleted meanwhile by a regeneration (decision 0018): as unavailable.
  return (e?.code === '23505' && e.constraint === LIVE_SLOT_INDEX) || (e?.code === '23503' && e.constraint === 'rdv_rendezvous_creneau');
}

/**
 * The open transaction seen as a Database, so that another repository (the signalisations')
 * runs its own statements — row lock included — inside it: its `transaction` joins this one.
 */
function joined(kind: Database['kind'], tx: TransactionQueryable): Database {
  return {
    kind,
    query: <R>(sql: string | PreparedStatement, params?: readonly unknown[]) => tx.query<R>(sql, params),
    transaction: <T>(work: (inner: TransactionQueryable) => Promise<T>) => work(tx),
    // A script may commit on its own: never inside the caller's transaction.
    script: () => Promise.reject(new Error('no script inside a transaction')),
    close: async () => undefined,
  };
}

export class SqlRendezVousRepository implements RendezVousRepository {
  constructor(private readonly db: Database) {}

  async bookForSignalisation(
    booking: NewRendezVous & { key: SignalisationKey },
    decide: (current: Signalisation) => SignalisationChange,
    existing: (live: RendezVous) => RendezVous,
  ): Promise<{ rendezVous: RendezVous; signalisation: Signalisation } | undefined> {
    return this.db.transaction(async (tx) => {
      const signalisations = new SqlSignalisationRepository(joined(this.db.kind, tx));
      // The ticket first, under its row lock: bookings of one ticket run one after the other.
      const signalisation = await signalisations.update(booking.operatorCode, booking.key, decide);
      if (!signalisation) return undefined;
      const [live] = await tx.query<RendezVousRow>(
        `${SELECT_RENDEZ_VOUS} WHERE r.signalisation_id = $1 AND r.type_rdv = $2 AND r.statut = 'RESERVE'`,
        [signalisation.id, booking.creneau.type],
      );
      if (live) return { rendezVous: existing(toRendezVous(live)), signalisation };
      const id = await insertRendezVous(tx, booking, signalisation.id);
      const rendezVous = await findById(tx, id);
      await recordAppointmentEvent(tx, rendezVous, booking.at);
      return { rendezVous, signalisation };
    });
  }

  async book(booking: NewRendezVous): Promise<RendezVous> {
    return this.db.transaction(async (tx) => findById(tx, await insertRendezVous(tx, booking, null)));
  }

  async find(operatorCode: string, reference: string): Promise<RendezVous | undefined> {
    const [row] = await this.db.query<RendezVousRow>(`${SELECT_RENDEZ_VOUS} WHERE r.reference = $1 AND r.operator_code = $2`, [
      reference,
      operatorCode,
    ]);
    return row ? toRendezVous(row) : undefined;
  }

  async listForSignalisation(signalisationId: number): Promise<RendezVous[]> {
    const rows = await this.db.query<RendezVousRow>(`${SELECT_RENDEZ_VOUS} WHERE r.signalisation_id = $1 ORDER BY r.id`, [signalisationId]);
    return rows.map(toRendezVous);
  }

  async move(
    operatorCode: string,
    reference: string,
    creneau: Creneau,
    at: Date,
    check: (current: RendezVous) => boolean,
  ): Promise<RendezVous | undefined> {
    return this.changeLocked(operatorCode, reference, check, async (tx, current) => {
      try {
        await tx.query('UPDATE rdv_rendezvous SET creneau_id = $2, modifie_le = $3, reports = reports + 1 WHERE id = $1', [
          current.id,
          creneau.id,
          at,
        ]);
      } catch (error) {
        // The new slot holds another live appointment: the whole move is rolled back (the old
        // slot stays booked).
        if (isLiveSlotConflict(error)) throw new SlotUnavailable(creneau.id);
        throw error;
      }
    });
  }

  async cancel(operatorCode: string, reference: string, at: Date, check: (current: RendezVous) => boolean): Promise<RendezVous | undefined> {
    return this.changeLocked(operatorCode, reference, check, async (tx, current) => {
      await tx.query(`UPDATE rdv_rendezvous SET statut = 'ANNULE', annule_le = $2, modifie_le = $2 WHERE id = $1`, [current.id, at]);
    });
  }

  private async changeLocked(
    operatorCode: string,
    reference: string,
    check: (current: RendezVous) => boolean,
    write: (tx: TransactionQueryable, current: RendezVous) => Promise<void>,
  ): Promise<RendezVous | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<RendezVousRow>(`${SELECT_RENDEZ_VOUS} WHERE r.reference = $1 AND r.operator_code = $2 FOR UPDATE OF r`, [
        reference,
        operatorCode,
      ]);
      if (!row) return undefined;
      const current = toRendezVous(row);
      if (!check(current)) return current;
      await write(tx, current);
      const changed = await findById(tx, current.id);
      await recordAppointmentEvent(tx, changed, changed.modifieLe);
      return changed;
    });
  }
}

/** The push outbox (decision 0023): an appointment of a ticket booked, moved or cancelled, in the change's transaction. */
async function recordAppointmentEvent(tx: Queryable, r: RendezVous, at: Date): Promise<void> {
  if (r.signalisationId === null) return;
  await recordTicketEvent(
    tx,
    { signalisationId: r.signalisationId },
    {
      kind: 'RENDEZ_VOUS',
      referenceRendezVous: r.reference,
      typeRendezVous: r.creneau.type,
      statut: r.statut,
      debut: r.creneau.debut.toISOString(),
      fin: r.creneau.fin.toISOString(),
    },
    at,
  );
}

/** Inserts a live appointment; SlotUnavailable (and nothing written) when the slot is held. */
async function insertRendezVous(tx: Queryable, b: NewRendezVous, signalisationId: number | null): Promise<number> {
  // ON CONFLICT on the partial unique index: a concurrent booking of the slot is waited for;
  // once it has committed this one inserts nothing.
  let rows: Array<{ id: number | string }>;
  try {
    rows = await tx.query<{ id: number | string }>(
    `INSERT INTO rdv_rendezvous (operator_code, signalisation_id, creneau_id, type_rdv, statut, canal, nature_produit,
                                 segment_marche, reserve_le, modifie_le)
     VALUES ($1, $2, $3, $4, 'RESERVE', $5, $6, $7, $8, $8)
     ON CONFLICT (creneau_id) WHERE statut = 'RESERVE' DO NOTHING
     RETURNING id`,
    [b.operatorCode, signalisationId, b.creneau.id, b.creneau.type, b.canal, b.natureProduit ?? null, b.segmentMarche ?? null, b.at],
  );
  } catch (error) {
    if (isLiveSlotConflict(error)) throw new SlotUnavailable(b.creneau.id);
    throw error;
  }
  const [row] = rows;
  if (!row) throw new SlotUnavailable(b.creneau.id);
  return Number(row.id);
}

async function findById(q: Queryable, id: number): Promise<RendezVous> {
  const [row] = await q.query<RendezVousRow>(`${SELECT_RENDEZ_VOUS} WHERE r.id = $1`, [id]);
  if (!row) throw new Error(`appointment ${id} vanished`);
  return toRendezVous(row);
}
