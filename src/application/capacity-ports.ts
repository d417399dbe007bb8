// What the capacity administration needs from storage (implemented in src/adapters/postgres/capacity.ts).
import type { CapacityExtra, Closure, NonWorkingDay, Perimetre, StoredSlot } from '../domain/capacity.js';
import type { ParisDay } from '../domain/paris-calendar.js';
import type { TypeRendezVous, WorkingPattern } from '../domain/rendezvous.js';

export interface Authored {
  id: number;
  creeLe: Date;
  creePar: string;
}

export type CapacityExtraRecord = CapacityExtra & Authored & { motif: string | null };
export type ClosureRecord = Closure & Authored & { motif: string };
export type NonWorkingDayRecord = NonWorkingDay & Authored & { libelle: string };

/** A live appointment on a slot, as the capacity views list it. */
export interface BookedAppointment {
  reference: string;
  operatorCode: string;
  creneauId: number;
  codeInsee: string;
  type: TypeRendezVous;
  debut: Date;
  fin: Date;
}

/** A stored slot of a zone with its appointment, if live. */
export interface ZoneSlot extends StoredSlot {
  codeInsee: string;
  rendezVous: { reference: string; operatorCode: string } | null;
}

/** What a regeneration did. */
export interface Regeneration {
  /** Zones regenerated. */
  zones: string[];
  ajoutes: number;
  retires: number;
  /** Booked future slots beyond the capacity now planned (kept). */
  horsCapacite: BookedAppointment[];
}

export interface CapacityAuditEntry {
  at: Date;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export interface CapacityFilter {
  codeInsee?: string;
  type?: TypeRendezVous;
}

/** Where a page of weekly patterns resumes: after this line, in (commune, type, day, start) order. */
export interface PatternKey {
  codeInsee: string;
  type: TypeRendezVous;
  jour: number;
  debut: string;
}

/** Where a page of extra capacity resumes: after this one, in (day, start, id) order. */
export interface ExtraKey {
  jour: ParisDay;
  debut: string;
  id: number;
}

/** Where a page of closures resumes: after this one, in (start, id) order. */
export interface ClosureKey {
  debut: Date;
  id: number;
}

/** A closure's booked appointments to handle: the first ones (by start) and how many in all. */
export interface ClosureConflicts {
  conflits: BookedAppointment[];
  total: number;
}

/** At most `limit` rows after `after` (all of them when no limit: one commune's, inside a change). */
export interface Paging<K> {
  after?: K;
  limit?: number;
}

export interface CapacityAdminRepository {
  /** Runs `work` in one transaction: every change and its regeneration and audit, or nothing. */
  transaction<T>(work: (repository: CapacityAdminRepository) => Promise<T>): Promise<T>;

  /** In (commune, type, day, start) order. */
  patterns(filter: CapacityFilter & Paging<PatternKey>): Promise<WorkingPattern[]>;
  /** Replaces the whole weekly pattern set of a zone and type (an empty set deletes it). */
  replacePatterns(codeInsee: string, type: TypeRendezVous, lines: readonly WorkingPattern[]): Promise<void>;

  /** In (day, start, id) order. */
  extras(filter: CapacityFilter & { from?: ParisDay; to?: ParisDay } & Paging<ExtraKey>): Promise<CapacityExtraRecord[]>;
  addExtra(extra: CapacityExtra & { motif: string | null }, at: Date, by: string): Promise<CapacityExtraRecord>;
  deleteExtra(id: number): Promise<CapacityExtraRecord | undefined>;

  /** Closures overlapping [from, to) (any when absent) that cover the commune (when given), in (start, id) order. */
  closures(filter: { codeInsee?: string; type?: TypeRendezVous; from?: Date; to?: Date } & Paging<ClosureKey>): Promise<ClosureRecord[]>;
  addClosure(closure: Closure & { motif: string }, at: Date, by: string): Promise<ClosureRecord>;
  deleteClosure(id: number): Promise<ClosureRecord | undefined>;
  /**
   * For each closure (by id), the live appointments on slots it covers that start after `now`:
   * the first `perClosure` by (start, commune, reference), and their total. One statement for all
   * the closures given (a page), whatever their number.
   */
  closureConflicts(closures: readonly ClosureRecord[], now: Date, perClosure: number): Promise<Map<number, ClosureConflicts>>;

  /** The provider's days of [from, to] (covering the commune, when given). */
  nonWorkingDays(filter: { from: ParisDay; to: ParisDay; codeInsee?: string }): Promise<NonWorkingDayRecord[]>;
  /** Undefined when that day is already recorded for that perimeter. */
  addNonWorkingDay(day: NonWorkingDay & { libelle: string }, at: Date, by: string): Promise<NonWorkingDayRecord | undefined>;
  deleteNonWorkingDay(id: number): Promise<NonWorkingDayRecord | undefined>;

  /**
   * Brings the future free slots of the zones the perimeter covers in line with their capacity
   * (patterns, extras, holidays), over the days already generated; booked slots never move.
   */
  regenerate(perimetre: Perimetre, now: Date): Promise<Regeneration>;

  /** The zone's stored slots starting in [from, to), withdrawn ones without appointment excluded. */
  slots(codeInsee: string, from: Date, to: Date): Promise<ZoneSlot[]>;

  audit(entry: CapacityAuditEntry): Promise<void>;
}
