// Appointment use cases (spec §2.4): slot search, booking, rescheduling, cancelling and reading
// technician appointments. One domain, two contracts: the e-SAV operations work on the caller's
// signalisation; the Interop'Fibre planChargeSavFtth operations work on a zone (codeInsee) and
// on the caller's appointments directly. No XML and no SQL here.
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { formatParisDateTime } from '../domain/paris-calendar.js';
import { EsavFault } from '../domain/faults.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import { assertSlotSearchOpen, DEFAULT_HORIZON_DAYS, parseSlotIdentifier, searchableDays, type TypeRendezVous } from '../domain/rendezvous.js';
import { addDays, parisDayOf, parisDayStart } from '../domain/paris-calendar.js';
import { isBeyondHistory, isClosed, TransitionRefused, type Etat } from '../domain/signalisation.js';
import { transitionChange } from './lifecycle.js';
import { SlotUnavailable, type CapacityRepository, type Creneau, type RendezVous, type RendezVousRepository } from './rendezvous-ports.js';
import type { PrestationRepository, Signalisation, SignalisationChange, SignalisationKey, SignalisationRepository } from './signalisation-ports.js';
import type { AppointmentReader, AppointmentSummary, Caller } from './signalisation.js';

/** At most this many slots in one answer (the e-SAV schema's maxOccurs). */
export const MAX_SLOTS_PER_SEARCH = 200;

export interface Periode {
  debut: Date;
  fin: Date;
}

export interface SlotSearch {
  key: SignalisationKey;
  type: TypeRendezVous;
  periode: Periode;
}

export interface ZoneSlotSearch {
  codeInsee: string;
  type: TypeRendezVous;
  periode: Periode;
}

export interface Booking {
  key: SignalisationKey;
  idCreneau: string;
}

export interface BookingResult {
  rendezVous: RendezVous;
  referenceSignalisation: string;
  /** The signalisation's state after the booking (EN_COURS when it un-froze it). */
  etat: Etat;
}

export interface ZoneBooking {
  codeInsee: string;
  idCreneau: string;
  natureProduit?: string;
  segmentMarche?: string;
}

export interface AppointmentChange {
  key: SignalisationKey;
  idRendezVous: string;
}

export interface Reschedule extends AppointmentChange {
  idCreneau: string;
}

export interface Consultation {
  key: SignalisationKey;
  idRendezVous?: string;
}

export interface RendezVousServiceDeps {
  capacity: CapacityRepository;
  rendezVous: RendezVousRepository;
  signalisations: SignalisationRepository;
  prestations: PrestationRepository;
  /** For the transition GELE → EN_COURS (guarantee clock). */
  catalogue: Catalogue;
  calendar: HolidayCalendar;
  clock: Clock;
  /** Rolling horizon of the slots, in Paris days (DEFAULT_HORIZON_DAYS). */
  horizonDays?: number;
}

const slotUnavailable = (champ = 'idCreneau', libelle?: string) => new EsavFault(320, libelle ?? 'Créneau plus disponible', { champ });
const unknownAppointment = (reference: string, champ = 'idRendezVous') =>
  new EsavFault(320, `Rendez-vous ${reference} inconnu`, { champ });

export class RendezVousService implements AppointmentReader {
  private readonly horizonDays: number;

  constructor(private readonly deps: RendezVousServiceDeps) {
    this.horizonDays = deps.horizonDays ?? DEFAULT_HORIZON_DAYS;
  }

  // ---- e-SAV: appointments of the caller's signalisation ---------------------------------------

  /** rechercherCreneaux: free slots in the zone of the ticket's prestation (321 at night). */
  async search(caller: Caller, request: SlotSearch): Promise<Creneau[]> {
    const now = this.deps.clock.now();
    assertSlotSearchOpen(now);
    checkPeriod(request.periode, 'periode');
    const signalisation = await this.findOpen(caller, request.key, now);
    const codeInsee = await this.zoneOf(signalisation);
    if (!codeInsee) return [];
    return this.freeSlots(codeInsee, request.type, request.periode, now);
  }

  /** reserverCreneau: books the slot for the ticket; a ticket GELE waiting for an appointment goes back to EN_COURS. */
  async book(caller: Caller, request: Booking): Promise<BookingResult> {
    const now = this.deps.clock.now();
    const signalisation = await this.findOpen(caller, request.key, now);
    const slot = await this.bookableSlot(request.idCreneau, now);
    if (slot.codeInsee !== (await this.zoneOf(signalisation))) {
      throw slotUnavailable('idCreneau', `Créneau ${request.idCreneau} hors de la zone de la prestation ${signalisation.prestationId}`);
    }
    const decide = (current: Signalisation): SignalisationChange => {
      checkOpen(current, now);
      if (current.etat !== 'GELE' || current.attente !== 'RENDEZ_VOUS') return {};
      const motif = `Rendez-vous ${labelOf(slot.type)} pris par l’opérateur pour le ${formatParisDateTime(slot.debut)}`;
      try {
        return transitionChange(current, { to: 'EN_COURS', by: 'OPERATEUR', motif }, now, this.deps);
      } catch (error) {
        if (error instanceof TransitionRefused) throw new EsavFault(311, error.message);
        throw error;
      }
    };
    const existing = (live: RendezVous): RendezVous => {
      // A retry of this very booking (e.g. after a time-out) gets the same appointment.
      if (live.creneau.id === slot.id) return live;
      throw new EsavFault(
        311,
        `La signalisation ${signalisation.reference} a déjà un rendez-vous ${labelOf(live.creneau.type)} (${live.reference}) : utilisez reporterRendezVous`,
        { champ: 'idCreneau' },
      );
    };
    try {
      const booked = await this.deps.rendezVous.bookForSignalisation(
        { operatorCode: caller.operatorCode, key: request.key, creneau: slot, at: now, canal: 'ESAV' },
        decide,
        existing,
      );
      if (!booked) throw notFound(request.key);
      return { rendezVous: booked.rendezVous, referenceSignalisation: booked.signalisation.reference, etat: booked.signalisation.etat };
    } catch (error) {
      if (error instanceof SlotUnavailable) throw slotUnavailable();
      throw error;
    }
  }

  /** reporterRendezVous: moves the ticket's appointment to another free slot (same type and zone), atomically. */
  async reschedule(caller: Caller, request: Reschedule): Promise<RendezVous> {
    const now = this.deps.clock.now();
    const signalisation = await this.findOpen(caller, request.key, now);
    await this.appointmentOf(caller, signalisation, request.idRendezVous);
    return this.moveTo(caller, request.idRendezVous, request.idCreneau, now);
  }

  /** annulerRendezVous: cancels the ticket's appointment; its slot is free again. Idempotent. */
  async cancel(caller: Caller, request: AppointmentChange): Promise<RendezVous> {
    const now = this.deps.clock.now();
    const signalisation = await this.findOpen(caller, request.key, now);
    await this.appointmentOf(caller, signalisation, request.idRendezVous);
    const cancelled = await this.deps.rendezVous.cancel(caller.operatorCode, request.idRendezVous, now, (current) => {
      if (current.statut === 'ANNULE') return false;
      checkNotStarted(current, now);
      return true;
    });
    if (!cancelled) throw unknownAppointment(request.idRendezVous);
    return cancelled;
  }

  /** consulterRendezVous: the ticket's appointments (cancelled ones included), or the one named. */
  async consult(caller: Caller, request: Consultation): Promise<RendezVous[]> {
    const signalisation = await this.find(caller, request.key, this.deps.clock.now());
    if (request.idRendezVous !== undefined) return [await this.appointmentOf(caller, signalisation, request.idRendezVous)];
    return this.deps.rendezVous.listForSignalisation(signalisation.id);
  }

  /** The appointments shown in consulterDetailSignalisation. */
  async forSignalisation(signalisationId: number): Promise<AppointmentSummary[]> {
    const list = await this.deps.rendezVous.listForSignalisation(signalisationId);
    return list.map((r) => ({
      idRendezVous: r.reference,
      typeRendezVous: r.creneau.type,
      debut: r.creneau.debut,
      fin: r.creneau.fin,
      statut: r.statut,
    }));
  }

  // ---- Interop'Fibre planChargeSavFtth: the caller's appointments by zone and id -------------------

  /** rechercheCreneauxLibres: free slots of a zone (321 at night). */
  async searchZone(_caller: Caller, request: ZoneSlotSearch): Promise<Creneau[]> {
    const now = this.deps.clock.now();
    assertSlotSearchOpen(now);
    checkPeriod(request.periode, 'dateFin');
    return this.freeSlots(request.codeInsee, request.type, request.periode, now);
  }

  /** reservationCreneau: books a slot of the zone for the caller (no signalisation named). */
  async bookInZone(caller: Caller, request: ZoneBooking): Promise<RendezVous> {
    const now = this.deps.clock.now();
    const slot = await this.bookableSlot(request.idCreneau, now);
    if (slot.codeInsee !== request.codeInsee) {
      throw slotUnavailable('idCreneau', `Créneau ${request.idCreneau} hors de la commune ${request.codeInsee}`);
    }
    try {
      return await this.deps.rendezVous.book({
        operatorCode: caller.operatorCode,
        creneau: slot,
        at: now,
        canal: 'INTEROP',
        ...(request.natureProduit !== undefined ? { natureProduit: request.natureProduit } : {}),
        ...(request.segmentMarche !== undefined ? { segmentMarche: request.segmentMarche } : {}),
      });
    } catch (error) {
      if (error instanceof SlotUnavailable) throw slotUnavailable();
      throw error;
    }
  }

  /** reportRDV: moves one of the caller's appointments (whatever contract booked it). */
  async rescheduleById(caller: Caller, request: { idRendezVous: string; idCreneau: string; codeInsee: string }): Promise<RendezVous> {
    const now = this.deps.clock.now();
    const current = await this.deps.rendezVous.find(caller.operatorCode, request.idRendezVous);
    if (!current) throw unknownAppointment(request.idRendezVous, 'idRendezvous');
    if (current.creneau.codeInsee !== request.codeInsee) {
      throw unknownAppointment(request.idRendezVous, 'idRendezvous');
    }
    return this.moveTo(caller, request.idRendezVous, request.idCreneau, now, 'idRendezvous');
  }

  /** consultationRdv: one of the caller's live appointments (a cancelled one is unknown: the contract has no such status). */
  async consultById(caller: Caller, idRendezVous: string): Promise<RendezVous> {
    const found = await this.deps.rendezVous.find(caller.operatorCode, idRendezVous);
    if (!found || found.statut !== 'RESERVE') throw unknownAppointment(idRendezVous);
    return found;
  }

  // ---- capacity ------------------------------------------------------------------------------

  /**
   * The rolling horizon (the scheduled job `rdv-horizon`): every zone with capacity gets the days
   * up to today + horizon it does not have yet — normally the one Paris day that came into the
   * horizon —, in batches of zones (decision 0029). Returns how many zones and slots.
   */
  extendHorizon(signal?: AbortSignal): Promise<{ zones: number; ajoutes: number }> {
    const now = this.deps.clock.now();
    const today = parisDayOf(now);
    return this.deps.capacity.extendHorizon({ from: today, to: addDays(today, this.horizonDays) }, now, signal);
  }

  /**
   * Deletes the free slots of Paris days more than `retentionDays` ago (the scheduled job
   * `rdv-slots-purge`): a slot that any appointment, live or cancelled, references stays (the
   * appointments' history reads it). Returns how many were deleted and before which instant.
   */
  async purgePastFreeSlots(retentionDays: number, signal?: AbortSignal): Promise<{ supprimes: number; lots: number; avant: Date }> {
    if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new RangeError(`retention of past slots: at least one day (got ${retentionDays})`);
    const now = this.deps.clock.now();
    const avant = parisDayStart(addDays(parisDayOf(now), -retentionDays));
    return { ...(await this.deps.capacity.purgeFreeSlots(avant, now, signal)), avant };
  }

  // ---- rules shared by both contracts --------------------------------------------------------

  private async freeSlots(codeInsee: string, type: TypeRendezVous, periode: Periode, now: Date): Promise<Creneau[]> {
    const days = searchableDays(now, periode.debut, periode.fin, this.horizonDays);
    if (!days) return [];
    // Rolling horizon: the days asked for are generated on first use (idempotent).
    await this.deps.capacity.ensureSlots(codeInsee, days, now);
    const horizonEnd = parisDayStart(addDays(days.to, 1));
    return this.deps.capacity.freeSlots({
      codeInsee,
      type,
      debut: periode.debut,
      // Within the window asked for, and never beyond the horizon.
      fin: new Date(Math.min(periode.fin.getTime(), horizonEnd.getTime())),
      now,
      limit: MAX_SLOTS_PER_SEARCH,
    });
  }

  /** The slot named by an idCreneau, if it can still be booked at `now` (else 320). */
  private async bookableSlot(idCreneau: string, now: Date): Promise<Creneau> {
    const id = parseSlotIdentifier(idCreneau);
    const slot = id === undefined ? undefined : await this.deps.capacity.slot(id);
    if (!slot) throw slotUnavailable('idCreneau', `Créneau ${idCreneau} inconnu`);
    if (slot.debut.getTime() <= now.getTime()) throw slotUnavailable('idCreneau', `Créneau ${idCreneau} déjà passé`);
    return slot;
  }

  private async moveTo(caller: Caller, idRendezVous: string, idCreneau: string, now: Date, champ = 'idRendezVous'): Promise<RendezVous> {
    const slot = await this.bookableSlot(idCreneau, now);
    try {
      const moved = await this.deps.rendezVous.move(caller.operatorCode, idRendezVous, slot, now, (current) => {
        if (current.statut !== 'RESERVE') throw new EsavFault(320, `Rendez-vous ${idRendezVous} annulé`, { champ });
        // A retry of this very move: nothing to do.
        if (current.creneau.id === slot.id) return false;
        checkNotStarted(current, now, champ);
        if (slot.type !== current.creneau.type || slot.codeInsee !== current.creneau.codeInsee) {
          throw slotUnavailable('idCreneau', `Créneau ${idCreneau} d'un autre type ou d'une autre zone que le rendez-vous ${idRendezVous}`);
        }
        return true;
      });
      if (!moved) throw unknownAppointment(idRendezVous, champ);
      return moved;
    } catch (error) {
      if (error instanceof SlotUnavailable) throw slotUnavailable();
      throw error;
    }
  }

  private async zoneOf(signalisation: Signalisation): Promise<string | null> {
    const prestation = await this.deps.prestations.findForOperator(signalisation.operatorCode, signalisation.prestationId);
    return prestation?.codeInsee ?? null;
  }

  /** The caller's appointment, which must be one of this signalisation's (else 320, like an unknown one). */
  private async appointmentOf(caller: Caller, signalisation: Signalisation, idRendezVous: string): Promise<RendezVous> {
    const found = await this.deps.rendezVous.find(caller.operatorCode, idRendezVous);
    if (!found || found.signalisationId !== signalisation.id) throw unknownAppointment(idRendezVous);
    return found;
  }

  private async find(caller: Caller, key: SignalisationKey, now: Date): Promise<Signalisation> {
    const found = await this.deps.signalisations.find(caller.operatorCode, key);
    if (!found) throw notFound(key);
    if (isBeyondHistory(found.dateCloture, now)) throw new EsavFault(312);
    return found;
  }

  private async findOpen(caller: Caller, key: SignalisationKey, now: Date): Promise<Signalisation> {
    const found = await this.find(caller, key, now);
    checkOpen(found, now);
    return found;
  }
}

function checkOpen(s: Signalisation, now: Date): void {
  if (isBeyondHistory(s.dateCloture, now)) throw new EsavFault(312);
  if (isClosed(s.etat)) {
    throw new EsavFault(311, `Signalisation ${s.reference} à l'état ${s.etat} : plus de rendez-vous possible`);
  }
}

function checkNotStarted(r: RendezVous, now: Date, champ = 'idRendezVous'): void {
  if (r.creneau.debut.getTime() <= now.getTime()) {
    throw new EsavFault(320, `Rendez-vous ${r.reference} déjà commencé : il ne peut plus être modifié`, { champ });
  }
}

function checkPeriod(periode: Periode, champ: string): void {
  if (periode.debut.getTime() >= periode.fin.getTime()) {
    throw new EsavFault(101, 'Période invalide : le début doit précéder la fin', { champ });
  }
}

function notFound(key: SignalisationKey): EsavFault {
  return new EsavFault(310, undefined, { champ: 'referenceSignalisation' in key ? 'referenceSignalisation' : 'referenceInterneOC' });
}

function labelOf(type: TypeRendezVous): string {
  return type === 'SAV' ? 'SAV' : type === 'SAV_PLUS' ? 'SAV+' : 'd’expertise contradictoire';
}
