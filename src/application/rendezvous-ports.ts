// What the appointment use cases need from storage (implemented in src/adapters/postgres/rendezvous.ts).
import type { CanalRendezVous, StatutRendezVous, TypeRendezVous, WorkingPattern } from '../domain/rendezvous.js';
import type { ParisDay } from '../domain/paris-calendar.js';
import type { Signalisation, SignalisationChange, SignalisationKey } from './signalisation-ports.js';

/** A technician slot. */
export interface Creneau {
  id: number;
  codeInsee: string;
  type: TypeRendezVous;
  debut: Date;
  fin: Date;
}

export interface RendezVous {
  id: number;
  /** RDV-0000000001: idRendezVous of both contracts. */
  reference: string;
  operatorCode: string;
  /** The signalisation it was booked for (e-SAV); null when booked through Interop'Fibre. */
  signalisationId: number | null;
  /** The linked signalisation's prestation (identifiantPrestation), when there is one. */
  prestationId: string | null;
  creneau: Creneau;
  statut: StatutRendezVous;
  canal: CanalRendezVous;
  natureProduit: string | null;
  segmentMarche: string | null;
  reserveLe: Date;
  modifieLe: Date;
  reports: number;
  annuleLe: Date | null;
}

/** The slot is held by another live appointment (raced, or already taken): fault 320. */
export class SlotUnavailable extends Error {
  constructor(readonly creneauId: number) {
    super(`slot ${creneauId} is already booked`);
    this.name = 'SlotUnavailable';
  }
}

export interface FreeSlotQuery {
  codeInsee: string;
  type: TypeRendezVous;
  /** Slots starting at or after `debut` and ending at or before `fin`… */
  debut: Date;
  fin: Date;
  /** …and starting strictly after `now` (never a slot in the past). */
  now: Date;
  limit: number;
}

export interface CapacityRepository {
  /** Adds or replaces (same zone, type, weekday and start) working patterns; their zones are regenerated on next use. */
  upsertPatterns(patterns: readonly WorkingPattern[]): Promise<void>;
  patterns(codeInsee: string): Promise<WorkingPattern[]>;
  /**
   * Makes sure the slots of the zone's days [from, to] exist (generated from its patterns, extra
   * capacity and holidays, idempotent, safe under concurrent calls); slots starting by `now` are
   * never touched. Returns how many slots were created.
   */
  ensureSlots(codeInsee: string, days: { from: ParisDay; to: ParisDay }, now?: Date): Promise<number>;
  /**
   * The rolling horizon of every zone with capacity: each zone whose generated days do not reach
   * `days.to` gets the days it misses (set-based, in batches of zones, work proportional to what is
   * new; the same generation and per-zone locks as ensureSlots). Stops between batches when
   * `signal` is aborted. Returns how many zones were reconciled and slots created.
   */
  extendHorizon(days: { from: ParisDay; to: ParisDay }, now: Date, signal?: AbortSignal): Promise<{ zones: number; ajoutes: number }>;
  /**
   * Deletes, in short batches, the slots that started before `before` and that no appointment
   * (live or cancelled) references. Stops between batches when `signal` is aborted.
   */
  purgeFreeSlots(before: Date, now: Date, signal?: AbortSignal): Promise<{ supprimes: number; lots: number }>;
  /** Free slots (no live appointment, not withdrawn, not in a closure), one per distinct window, earliest first. */
  freeSlots(query: FreeSlotQuery): Promise<Creneau[]>;
  /** A slot that can be booked: undefined when unknown, withdrawn or in a closure. */
  slot(id: number): Promise<Creneau | undefined>;
}

export interface NewRendezVous {
  operatorCode: string;
  creneau: Creneau;
  at: Date;
  canal: CanalRendezVous;
  natureProduit?: string;
  segmentMarche?: string;
}

export interface RendezVousRepository {
  /**
   * Books `creneau` for the operator's signalisation, in one transaction: locks the ticket (row
   * lock), lets `decide` compute its change (e.g. GELE → EN_COURS) and writes it with its history
   * row, then inserts the appointment. If the slot holds another live appointment, nothing is
   * written and SlotUnavailable is thrown; `decide` may throw too (nothing written). When the
   * ticket already has a live appointment of the slot's type, `existing` is called with it (it
   * may return it, for an idempotent retry, or throw). Undefined when no such signalisation.
   */
  bookForSignalisation(
    booking: NewRendezVous & { key: SignalisationKey },
    decide: (current: Signalisation) => SignalisationChange,
    existing: (live: RendezVous) => RendezVous,
  ): Promise<{ rendezVous: RendezVous; signalisation: Signalisation } | undefined>;
  /** Books `creneau` for the operator alone (Interop'Fibre); SlotUnavailable when it is held. */
  book(booking: NewRendezVous): Promise<RendezVous>;
  /** Only this operator's appointments are ever found. */
  find(operatorCode: string, reference: string): Promise<RendezVous | undefined>;
  /** The appointments of a signalisation, oldest first (cancelled ones included). */
  listForSignalisation(signalisationId: number): Promise<RendezVous[]>;
  /**
   * Moves the operator's appointment to `creneau` under a row lock: `check` sees the locked
   * appointment first (may throw; returning false leaves it unchanged, e.g. already there).
   * SlotUnavailable when the new slot is held. Undefined when no such appointment.
   */
  move(operatorCode: string, reference: string, creneau: Creneau, at: Date, check: (current: RendezVous) => boolean): Promise<RendezVous | undefined>;
  /** Cancels under a row lock after `check` (may throw; false: leave unchanged). The slot is free again. */
  cancel(operatorCode: string, reference: string, at: Date, check: (current: RendezVous) => boolean): Promise<RendezVous | undefined>;
}
