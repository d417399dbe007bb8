// Interop'Fibre planChargeSavFtth (FTTH after-sales appointment plan): XML ⇄ use-case mapping of
// its four operations onto the appointment use cases the e-SAV operations also use.
// The schema (xsd/interop/planChargeSavFtth.xsd) has validated the payload before read() runs.
//
//   rechercheCreneauxLibres  → RendezVousService.searchZone   (typeIntervention S → SAV, E → EXPERTISE_CONTRADICTOIRE)
//   reservationCreneau       → RendezVousService.bookInZone   (idCreneau = a slot's idOI)
//   reportRDV                → RendezVousService.rescheduleById
//   consultationRdv          → RendezVousService.consultById
import { formatParisDateTime } from '../../../domain/paris-calendar.js';
import { slotIdentifier, type TypeRendezVous } from '../../../domain/rendezvous.js';
import type { Creneau, RendezVous } from '../../../application/rendezvous-ports.js';
import type { RendezVousService, ZoneBooking, ZoneSlotSearch } from '../../../application/rendezvous.js';
import type { Caller } from '../../../application/signalisation.js';
import { defineOperation, type OperationContext, type SoapOperation } from '../../soap/endpoint.js';
import type { PlainObject } from '../../soap/envelope.js';
import type { XmlWriter } from '../../soap/writer.js';
import { dateTime, optionalText, text } from '../plain.js';
import { closeInterop, openInterop } from './plan-charge-conventions.js';

const dt = formatParisDateTime;

/** S (SAV) and E (expertise contradictoire): the two intervention types of the contract. */
export function typeOfIntervention(code: string): TypeRendezVous {
  return code === 'E' ? 'EXPERTISE_CONTRADICTOIRE' : 'SAV';
}

/** SAV and SAV+ appointments read as S, expertise contradictoire as E. */
export function interventionOfType(type: TypeRendezVous): 'S' | 'E' {
  return type === 'EXPERTISE_CONTRADICTOIRE' ? 'E' : 'S';
}

const callerOf = (ctx: OperationContext): Caller => ({ operatorCode: ctx.identity.operatorCode });

/** An operation of the contract: soapAction "" and a request element named …Requete. */
function interopOperation<I, O>(
  name: string,
  requestElement: string,
  read: (payload: PlainObject) => I,
  run: (caller: Caller, input: I) => Promise<O>,
  write: (w: XmlWriter, output: O) => void,
): SoapOperation<I, O> {
  return defineOperation<I, O>({ name, requestElement, soapAction: '', read, execute: (ctx, input) => run(callerOf(ctx), input), write });
}

function readSearch(p: PlainObject): ZoneSlotSearch {
  // technicalId, commercialId, natureProduit, segmentMarche and defectPrelocalization are
  // informative here: the capacity depends on the commune and the intervention type only.
  return {
    codeInsee: text(p, 'codeInsee').trim(),
    type: typeOfIntervention(text(p, 'typeIntervention')),
    periode: { debut: dateTime(text(p, 'dateDebut')), fin: dateTime(text(p, 'dateFin')) },
  };
}

function writeSearch(w: XmlWriter, slots: Creneau[]): void {
  openInterop(w, 'RechercheCreneauxLibresReponse')
    .open('listeCreneau')
    .each('occCreneau', slots, (w, c) => w.leaf('dateDebut', dt(c.debut)).leaf('dateFin', dt(c.fin)).leaf('idOI', slotIdentifier(c.id)))
    .close('listeCreneau');
  closeInterop(w, 'RechercheCreneauxLibresReponse');
}

function readBooking(p: PlainObject): ZoneBooking {
  return {
    codeInsee: text(p, 'codeInsee').trim(),
    idCreneau: text(p, 'idCreneau').trim(),
    natureProduit: text(p, 'natureProduit'),
    segmentMarche: text(p, 'segmentMarche'),
  };
}

function writeBooking(w: XmlWriter, r: RendezVous): void {
  closeInterop(openInterop(w, 'ReservationCreneauReponse').leaf('idRendezvous', r.reference), 'ReservationCreneauReponse');
}

interface ReportRequest {
  idRendezVous: string;
  idCreneau: string;
  codeInsee: string;
}

function readReport(p: PlainObject): ReportRequest {
  // natureReport (REPORT_RDV_RESERVE, REPORT_RDV_CONFIRME, NOUVEAU_RDV) and typeIntervention are
  // informative: every report moves the appointment to the new slot, keeping its type.
  return { idRendezVous: text(p, 'idRendezvous').trim(), idCreneau: text(p, 'idCreneau').trim(), codeInsee: text(p, 'codeInsee').trim() };
}

function writeReport(w: XmlWriter): void {
  closeInterop(openInterop(w, 'ReportRDVReponse'), 'ReportRDVReponse');
}

function writeConsultation(w: XmlWriter, r: RendezVous): void {
  openInterop(w, 'ConsultationRdvReponse')
    .leaf('idRendezVous', r.reference)
    .leaf('dateDebut', dt(r.creneau.debut))
    .leaf('dateFin', dt(r.creneau.fin))
    .leaf('codeInsee', r.creneau.codeInsee)
    .leaf('typeIntervention', interventionOfType(r.creneau.type))
    .leaf('natureProduit', r.natureProduit)
    .leaf('segmentMarche', r.segmentMarche)
    // CONFIRME: booked for a signalisation (e-SAV); CREE: booked here, for the operator alone.
    .leaf('statutRendezVous', r.signalisationId !== null ? 'CONFIRME' : 'CREE')
    .leaf('referencePrestationPrise', r.prestationId);
  closeInterop(w, 'ConsultationRdvReponse');
}

export function planChargeSavFtthOperations(service: RendezVousService): SoapOperation<any, any>[] {
  return [
    interopOperation('rechercheCreneauxLibres', 'RechercheCreneauxLibresRequete', readSearch, (c, r) => service.searchZone(c, r), writeSearch),
    interopOperation('reservationCreneau', 'ReservationCreneauRequete', readBooking, (c, r) => service.bookInZone(c, r), writeBooking),
    interopOperation('reportRDV', 'ReportRDVRequete', readReport, (c, r) => service.rescheduleById(c, r), writeReport),
    interopOperation(
      'consultationRdv',
      'ConsultationRdvRequete',
      (p) => (optionalText(p, 'idRendezVous') ?? '').trim(),
      (c, id) => service.consultById(c, id),
      writeConsultation,
    ),
  ];
}
