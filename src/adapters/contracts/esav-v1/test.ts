// e-SAV TestService v1: XML ⇄ use-case mapping of each operation (xsd/v1/test-v1.xsd has validated
// the payload before read() runs). Same header and fault conventions as every e-SAV service.
import { formatParisDateTime } from '../../../domain/paris-calendar.js';
import type { TypeTest } from '../../../domain/line-tests.js';
import type { LineTest, TravauxImpact } from '../../../application/line-test-ports.js';
import type { AvailableTests, LineTestService, TestAcknowledgement, TestRequest } from '../../../application/line-tests.js';
import type { TravauxIncidents, TravauxQuery, TravauxService } from '../../../application/travaux.js';
import type { SoapOperation } from '../../soap/endpoint.js';
import { esavOperationFactory } from '../esav-conventions.js';
import type { PlainObject } from '../../soap/envelope.js';
import type { XmlWriter } from '../../soap/writer.js';
import { dateTime, optionalChild, optionalText, text } from '../plain.js';

export const TEST_V1_NS = 'urn:esav:test:v1';
const dt = formatParisDateTime;

/** An operation of TestService v1 (SOAPAction urn:esav:test:v1:<name>). */
const operation = esavOperationFactory(TEST_V1_NS);

function readTestRequest(p: PlainObject): TestRequest {
  const reference = optionalText(p, 'referenceSignalisation');
  return {
    identifiantPrestation: text(p, 'identifiantPrestation'),
    typeTest: text(p, 'typeTest') as TypeTest,
    ...(reference !== undefined ? { referenceSignalisation: reference } : {}),
  };
}

function readTravauxQuery(p: PlainObject): TravauxQuery {
  const periode = optionalChild(p, 'periode');
  if (periode) return { periode: { debut: dateTime(text(periode, 'debut')), fin: dateTime(text(periode, 'fin')) } };
  return { identifiantPrestation: text(p, 'identifiantPrestation') };
}

function writeAvailable(w: XmlWriter, a: AvailableTests): void {
  w.open('listerTestsDisponiblesReponse', TEST_V1_NS)
    .leaf('identifiantPrestation', a.identifiantPrestation)
    .leaf('offre', a.offre)
    .each('test', a.tests, (w, t) => w.leaf('typeTest', t.typeTest).leaf('libelle', t.libelle).leaf('actionSurReseau', t.actionSurReseau))
    .close('listerTestsDisponiblesReponse');
}

function writeAcknowledgement(w: XmlWriter, a: TestAcknowledgement): void {
  w.open('demanderTestReponse', TEST_V1_NS)
    .leaf('idDemandeTest', a.idDemandeTest)
    .leaf('statut', a.statut)
    .leaf('dateDemande', dt(a.dateDemande))
    .close('demanderTestReponse');
}

function writeResult(w: XmlWriter, t: LineTest): void {
  const done = t.statut === 'TERMINE';
  w.open('consulterResultatTestReponse', TEST_V1_NS)
    .leaf('idDemandeTest', t.reference)
    .leaf('identifiantPrestation', t.prestationId)
    .leaf('typeTest', t.typeTest)
    .leaf('statut', t.statut)
    .leaf('verdict', t.verdict)
    .leaf('localisationProbable', t.localisation)
    .element('mesures', done ? t.mesures : undefined, (w, mesures) =>
      w.each('mesure', mesures, (w, m) => w.leaf('nom', m.nom).leaf('valeur', m.valeur).leaf('unite', m.unite)),
    )
    .leaf('motifEchec', t.motifEchec)
    .leaf('referenceSignalisation', t.signalisationReference)
    .leaf('dateDemande', dt(t.requestedAt))
    .leaf('dateDebut', t.startedAt ? dt(t.startedAt) : undefined)
    .leaf('dateFin', t.completedAt ? dt(t.completedAt) : undefined)
    .close('consulterResultatTestReponse');
}

function writeEvenement(w: XmlWriter, { travaux: t, prestations }: TravauxImpact): void {
  w.leaf('reference', t.reference)
    .leaf('etat', t.etat)
    .leaf('libelle', t.libelle)
    .leaf('equipement', t.equipement)
    .leaf('dateDebut', dt(t.dateDebut))
    .leaf('dateFin', t.dateFin ? dt(t.dateFin) : undefined)
    .leaf('interventionRequiseOC', t.interventionRequiseOC)
    .leaf('commentaire', t.commentaire || undefined)
    .leaf('dateModification', dt(t.updatedAt))
    .leaf('dateCloture', t.closedAt ? dt(t.closedAt) : undefined)
    .open('prestationsImpactees');
  for (const p of prestations) w.leaf('identifiantPrestation', p);
  w.close('prestationsImpactees');
}

function writeTravauxIncidents(w: XmlWriter, r: TravauxIncidents): void {
  w.open('consulterTravauxIncidentsReponse', TEST_V1_NS)
    .open('travauxProgrammes')
    .each('travaux', r.travauxProgrammes, writeEvenement)
    .close('travauxProgrammes')
    .open('incidents')
    .each('incident', r.incidents, writeEvenement)
    .close('incidents')
    .close('consulterTravauxIncidentsReponse');
}

export function testV1Operations(tests: LineTestService, travaux: TravauxService): SoapOperation<any, any>[] {
  return [
    operation('listerTestsDisponibles', (p) => text(p, 'identifiantPrestation'), (c, id) => tests.available(c, id), writeAvailable),
    operation('demanderTest', readTestRequest, (c, r) => tests.request(c, r), writeAcknowledgement),
    operation('consulterResultatTest', (p) => text(p, 'idDemandeTest'), (c, id) => tests.result(c, id), writeResult),
    operation('consulterTravauxIncidents', readTravauxQuery, (c, q) => travaux.consult(c, q), writeTravauxIncidents),
  ];
}
