// Interop'Fibre infoTravauxFTTH v1.0: getInfoTravauxFTTH mapped onto TravauxService.infoTravauxFtth.
// xsd/interop/infoTravauxFTTH.xsd has validated the payload before read() runs. Element children are
// unqualified (the publication's elementFormDefault="unqualified").
import { formatParisDateTime } from '../../../domain/paris-calendar.js';
import type { EtatTravaux } from '../../../domain/travaux.js';
import type { TravauxImpact } from '../../../application/line-test-ports.js';
import { prestationPm, type InfoTravauxCriteria, type Periode, type TravauxService } from '../../../application/travaux.js';
import { defineOperation, type SoapOperation } from '../../soap/endpoint.js';
import type { PlainObject } from '../../soap/envelope.js';
import { escapeAttribute, type XmlWriter } from '../../soap/writer.js';
import { dateTime, optionalChild, optionalText, text } from '../plain.js';
import { closeInfoTravaux, openInfoTravaux } from './info-travaux-conventions.js';

const dt = formatParisDateTime;
const ouiNon = (b: boolean) => (b ? 'OUI' : 'NON');

function readPeriode(p: PlainObject | undefined): Periode | undefined {
  return p ? { debut: dateTime(text(p, 'dateDebutRecherche')), fin: dateTime(text(p, 'dateFinRecherche')) } : undefined;
}

function readCriteria(p: PlainObject): InfoTravauxCriteria {
  const reference = optionalText(p, 'referenceTPDERCO');
  const type = optionalText(p, 'type');
  const prestationsPm = optionalChild(p, 'referencePrestationPm');
  const intervention = optionalText(p, 'interventionRequiseOC');
  const etat = optionalText(p, 'etat');
  const prise = optionalText(p, 'referencePriseImpactee');
  const prestation = optionalText(p, 'referencePrestationPriseImpactee');
  const periods = {
    dateCreation: readPeriode(optionalChild(p, 'dateCreation')),
    dateDebutTravaux: readPeriode(optionalChild(p, 'dateDebutTravaux')),
    dateFinTravaux: readPeriode(optionalChild(p, 'dateFinTravaux')),
  };
  const values = prestationsPm ? [prestationsPm.prestationPm].flat().filter((v): v is string => typeof v === 'string') : undefined;
  return {
    ...(reference !== undefined ? { reference } : {}),
    ...(type !== undefined ? { nature: type === 'TP' ? ('TRAVAUX_PROGRAMMES' as const) : ('INCIDENT' as const) } : {}),
    ...(values ? { prestationsPm: values } : {}),
    ...(periods.dateCreation ? { dateCreation: periods.dateCreation } : {}),
    ...(periods.dateDebutTravaux ? { dateDebutTravaux: periods.dateDebutTravaux } : {}),
    ...(periods.dateFinTravaux ? { dateFinTravaux: periods.dateFinTravaux } : {}),
    ...(intervention !== undefined ? { interventionRequiseOC: intervention === 'OUI' } : {}),
    ...(etat !== undefined ? { etat: etat as EtatTravaux } : {}),
    ...(prise !== undefined ? { referencePriseImpactee: prise } : {}),
    ...(prestation !== undefined ? { referencePrestationPriseImpactee: prestation } : {}),
  };
}

/** The list wrapper only when it has items (each list type requires at least one). */
function writeList(w: XmlWriter, wrapper: string, item: string, values: readonly string[]): void {
  if (values.length === 0) return;
  w.open(wrapper);
  for (const v of values) w.leaf(item, v);
  w.close(wrapper);
}

function writeTravaux(w: XmlWriter, operatorCode: string, serviceProviderID: string, { travaux: t, prestations, prises }: TravauxImpact): void {
  const pbo = t.perimetre.filter((e) => e.type === 'PBO').map((e) => e.reference);
  const pmt = t.referencePmTechnique ? [t.referencePmTechnique] : t.perimetre.filter((e) => e.type === 'PMT').map((e) => e.reference);
  w.raw(`<travaux reference="${escapeAttribute(t.reference)}" serviceProviderID="${escapeAttribute(serviceProviderID)}">`)
    .leaf('type', t.nature === 'TRAVAUX_PROGRAMMES' ? 'TP' : 'DERCO')
    .leaf('equipementConcerne', t.equipement)
    .leaf('referencePm', t.referencePm)
    .leaf('referencePrestationPm', prestationPm(operatorCode, t.referencePm ?? ''))
    .leaf('dateModification', dt(t.updatedAt))
    .leaf('interventionRequiseOC', ouiNon(t.interventionRequiseOC))
    .leaf('dateDebutTravaux', dt(t.dateDebut))
    .leaf('dateFinTravaux', t.dateFin ? dt(t.dateFin) : undefined)
    .leaf('travauxCuratifs', t.travauxCuratifs === null ? undefined : ouiNon(t.travauxCuratifs))
    .leaf('natureIntervention', t.natureIntervention)
    .leaf('etat', t.etat);
  writeList(w, 'referencePBO', 'PBO', pbo);
  writeList(w, 'referencePmTechnique', 'PMT', pmt);
  w.leaf('commentairesIntervention', t.commentaire).leaf('coordonneesContactOI', t.contactOI);
  writeList(w, 'referencePriseImpactees', 'prise', prises);
  writeList(w, 'referencePrestationPriseImpactees', 'prestation', prestations);
  w.leaf('referenceIncident', t.referenceIncident).raw('</travaux>');
}

export function infoTravauxFtthOperations(travaux: TravauxService): SoapOperation<any, any>[] {
  return [
    defineOperation<InfoTravauxCriteria, { operatorCode: string; serviceProviderID: string; found: TravauxImpact[] }>({
      name: 'getInfoTravauxFTTH',
      requestElement: 'getInfoTravauxFTTHRequest',
      soapAction: 'getInfoTravauxFTTH',
      read: readCriteria,
      async execute(ctx, criteria) {
        const caller = { operatorCode: ctx.identity.operatorCode };
        return { ...caller, serviceProviderID: ctx.identity.operatorSiren, found: await travaux.infoTravauxFtth(caller, criteria) };
      },
      write(w, { operatorCode, serviceProviderID, found }) {
        openInfoTravaux(w, 'getInfoTravauxFTTHResponse').open('listeTravaux');
        for (const item of found) writeTravaux(w, operatorCode, serviceProviderID, item);
        closeInfoTravaux(w.close('listeTravaux'), 'getInfoTravauxFTTHResponse');
      },
    }),
  ];
}
