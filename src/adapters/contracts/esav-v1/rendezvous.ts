// e-SAV SignalisationService v1, appointment operations: XML ⇄ use-case mapping
// (rechercherCreneaux, reserverCreneau, reporterRendezVous, annulerRendezVous, consulterRendezVous).
// The schema (xsd/v1/signalisation-v1.xsd) has validated the payload before read() runs.
import { formatParisDateTime } from '../../../domain/paris-calendar.js';
import { slotIdentifier, type TypeRendezVous } from '../../../domain/rendezvous.js';
import type { Creneau, RendezVous } from '../../../application/rendezvous-ports.js';
import type { AppointmentChange, Booking, BookingResult, Consultation, RendezVousService, Reschedule, SlotSearch } from '../../../application/rendezvous.js';
import type { SignalisationKey } from '../../../application/signalisation-ports.js';
import type { SoapOperation } from '../../soap/endpoint.js';
import type { PlainObject } from '../../soap/envelope.js';
import type { XmlWriter } from '../../soap/writer.js';
import { child, dateTime, optionalText, text } from '../plain.js';
import { esavOperationFactory } from '../esav-conventions.js';
import { SIGNALISATION_V1_NS } from './signalisation.js';

const dt = formatParisDateTime;

function readKey(p: PlainObject): SignalisationKey {
  const reference = optionalText(p, 'referenceSignalisation');
  return reference !== undefined ? { referenceSignalisation: reference } : { referenceInterneOC: text(p, 'referenceInterneOC') };
}

function readSearch(p: PlainObject): SlotSearch {
  const periode = child(p, 'periode');
  return {
    key: readKey(p),
    type: text(p, 'typeRendezVous') as TypeRendezVous,
    periode: { debut: dateTime(text(periode, 'debut')), fin: dateTime(text(periode, 'fin')) },
  };
}

function readBooking(p: PlainObject): Booking {
  return { key: readKey(p), idCreneau: text(p, 'idCreneau') };
}

function readReschedule(p: PlainObject): Reschedule {
  return { key: readKey(p), idRendezVous: text(p, 'idRendezVous'), idCreneau: text(p, 'idCreneau') };
}

function readChange(p: PlainObject): AppointmentChange {
  return { key: readKey(p), idRendezVous: text(p, 'idRendezVous') };
}

function readConsultation(p: PlainObject): Consultation {
  const idRendezVous = optionalText(p, 'idRendezVous');
  return { key: readKey(p), ...(idRendezVous !== undefined ? { idRendezVous } : {}) };
}

/** The RendezVous structure (also in consulterDetailSignalisation's rendezVous list). */
export function writeRendezVous(w: XmlWriter, r: { idRendezVous: string; typeRendezVous: string; debut: Date; fin: Date; statut: string }): void {
  w.leaf('idRendezVous', r.idRendezVous)
    .leaf('typeRendezVous', r.typeRendezVous)
    .leaf('debut', dt(r.debut))
    .leaf('fin', dt(r.fin))
    .leaf('statut', r.statut);
}

function summary(r: RendezVous) {
  return { idRendezVous: r.reference, typeRendezVous: r.creneau.type, debut: r.creneau.debut, fin: r.creneau.fin, statut: r.statut };
}

function writeSlots(w: XmlWriter, slots: Creneau[], ns: string): void {
  w.open('rechercherCreneauxReponse', ns)
    .each('creneau', slots, (w, c) => w.leaf('idCreneau', slotIdentifier(c.id)).leaf('debut', dt(c.debut)).leaf('fin', dt(c.fin)))
    .close('rechercherCreneauxReponse');
}

function writeBooking(w: XmlWriter, b: BookingResult, ns: string): void {
  w.open('reserverCreneauReponse', ns)
    .leaf('idRendezVous', b.rendezVous.reference)
    .element('rendezVous', summary(b.rendezVous), writeRendezVous)
    .leaf('referenceSignalisation', b.referenceSignalisation)
    .leaf('etat', b.etat)
    .close('reserverCreneauReponse');
}

function writeOne(element: string, ns: string): (w: XmlWriter, r: RendezVous) => void {
  return (w, r) => w.open(element, ns).element('rendezVous', summary(r), writeRendezVous).close(element);
}

function writeList(w: XmlWriter, list: RendezVous[], ns: string): void {
  w.open('consulterRendezVousReponse', ns).each('rendezVous', list.map(summary), writeRendezVous).close('consulterRendezVousReponse');
}

/** The appointment operations in the namespace of a SignalisationService version (same messages in v1 and v2). */
export function rendezVousOperations(service: RendezVousService, ns: string): SoapOperation<any, any>[] {
  const operation = esavOperationFactory(ns);
  return [
    operation('rechercherCreneaux', readSearch, (c, r) => service.search(c, r), (w, slots) => writeSlots(w, slots, ns)),
    operation('reserverCreneau', readBooking, (c, r) => service.book(c, r), (w, b) => writeBooking(w, b, ns)),
    operation('reporterRendezVous', readReschedule, (c, r) => service.reschedule(c, r), writeOne('reporterRendezVousReponse', ns)),
    operation('annulerRendezVous', readChange, (c, r) => service.cancel(c, r), writeOne('annulerRendezVousReponse', ns)),
    operation('consulterRendezVous', readConsultation, (c, r) => service.consult(c, r), (w, list) => writeList(w, list, ns)),
  ];
}

export function rendezVousV1Operations(service: RendezVousService): SoapOperation<any, any>[] {
  return rendezVousOperations(service, SIGNALISATION_V1_NS);
}
