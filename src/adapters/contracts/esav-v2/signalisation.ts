// e-SAV SignalisationService v2: XML ⇄ use-case mapping (xsd/v2/signalisation-v2.xsd), over the
// SAME use cases as v1 (SignalisationService, RendezVousService, CatalogueService). What differs
// from v1 is only here and in the v2 schema:
// - deposerSignalisation: localisationPresumee mandatory (the schema says so); contacts as a list
//   contact{role SITE|OC, nom, telephone, email?}, one per role, instead of contactSite/contactOC;
// - the guarantee always carries its statut (EN_COURS / SUSPENDUE / ARRETEE);
// - consulterDetailSignalisation gives the contacts as the same list.
// - consulterAvis (v2 only, decision 0022): the provider's notices that concern the caller.
// The other operations have the v1 messages in the v2 namespace (the v1 readers and writers,
// given the v2 namespace).
import { formatParisDateTime } from '../../../domain/paris-calendar.js';
import { GUARANTEE_STOP_STATES } from '../../../domain/guarantee.js';
import type { Etat, Impact } from '../../../domain/signalisation.js';
import type { CatalogueService } from '../../../application/catalogue.js';
import type { NoticeService } from '../../../application/notices.js';
import { noticeReference, type Notice } from '../../../domain/notices.js';
import type { RendezVousService } from '../../../application/rendezvous.js';
import type { Signalisation } from '../../../application/signalisation-ports.js';
import type { DepositAcknowledgement, DepositRequest, SignalisationDetail, SignalisationService } from '../../../application/signalisation.js';
import type { SoapOperation } from '../../soap/endpoint.js';
import type { PlainObject } from '../../soap/envelope.js';
import type { XmlWriter } from '../../soap/writer.js';
import { esavOperationFactory } from '../esav-conventions.js';
import { child, dateTime, list, optionalChild, optionalText, text } from '../plain.js';
import { catalogueOperations } from '../esav-v1/catalogue.js';
import { rendezVousOperations } from '../esav-v1/rendezvous.js';
import {
  readAccesSite,
  readChamps,
  readCompletion,
  readHistory,
  readKey,
  readList,
  writeCompletion,
  writeDetail,
  writePage,
  writeState,
  type DetailParts,
} from '../esav-v1/signalisation.js';

export const SIGNALISATION_V2_NS = 'urn:esav:signalisation:v2';
const NS = SIGNALISATION_V2_NS;
const dt = formatParisDateTime;

export type StatutGarantie = 'EN_COURS' | 'SUSPENDUE' | 'ARRETEE';

/** The guarantee's statut of a ticket: stopped once closed or rejected, paused while GELE (not running). */
export function statutGarantie(etat: Etat, running: boolean): StatutGarantie {
  if (GUARANTEE_STOP_STATES.includes(etat)) return 'ARRETEE';
  return running ? 'EN_COURS' : 'SUSPENDUE';
}

interface ContactV2 {
  role: 'SITE' | 'OC';
  nom: string;
  telephone: string;
  email?: string;
}

function readContacts(p: PlainObject): { contactSite: { nom: string; telephone: string }; contactOC: { nom: string; telephone: string; email?: string } } {
  // The schema guarantees exactly two contacts with distinct roles (xs:unique): one SITE, one OC.
  const contacts: ContactV2[] = list(child(p, 'contacts'), 'contact').map((c) => {
    const email = optionalText(c, 'email');
    return { role: text(c, 'role') as 'SITE' | 'OC', nom: text(c, 'nom'), telephone: text(c, 'telephone'), ...(email !== undefined ? { email } : {}) };
  });
  const site = contacts.find((c) => c.role === 'SITE')!;
  const oc = contacts.find((c) => c.role === 'OC')!;
  return {
    contactSite: { nom: site.nom, telephone: site.telephone },
    contactOC: { nom: oc.nom, telephone: oc.telephone, ...(oc.email !== undefined ? { email: oc.email } : {}) },
  };
}

function readDeposit(p: PlainObject): DepositRequest {
  const formulaire = child(p, 'formulaire');
  const dateDebutDefaut = optionalText(p, 'dateDebutDefaut');
  const commentaire = optionalText(p, 'commentaire');
  const idDemandeTest = optionalText(p, 'idDemandeTest');
  return {
    canal: 'WS',
    offre: text(p, 'offre'),
    identifiantPrestation: text(p, 'identifiantPrestation'),
    formulaire: { idFormulaire: text(formulaire, 'idFormulaire'), version: Number(text(formulaire, 'version')) },
    defautDeclare: text(p, 'defautDeclare'),
    impact: text(p, 'impact') as Impact,
    ...(dateDebutDefaut !== undefined ? { dateDebutDefaut: dateTime(dateDebutDefaut) } : {}),
    localisationPresumee: text(p, 'localisationPresumee'),
    referenceInterneOC: text(p, 'referenceInterneOC'),
    ...readContacts(p),
    ...readAccesSite(optionalChild(p, 'accesSite')),
    ...(commentaire !== undefined ? { commentaire } : {}),
    champs: readChamps(p),
    ...(idDemandeTest !== undefined ? { idDemandeTest } : {}),
  };
}

function writeGarantie(w: XmlWriter, g: { code: string; statut: StatutGarantie; echeanceRetablissement?: Date | undefined }): void {
  w.leaf('code', g.code)
    .leaf('statut', g.statut)
    .leaf('echeanceRetablissement', g.echeanceRetablissement ? dt(g.echeanceRetablissement) : undefined);
}

function writeContact(w: XmlWriter, c: ContactV2): void {
  w.leaf('role', c.role).leaf('nom', c.nom).leaf('telephone', c.telephone).leaf('email', c.email);
}

const V2_DETAIL_PARTS: DetailParts = {
  contacts(w, s: Signalisation) {
    const oc: ContactV2 = { role: 'OC', nom: s.contactOC.nom, telephone: s.contactOC.telephone, ...(s.contactOC.email ? { email: s.contactOC.email } : {}) };
    w.open('contacts')
      .element('contact', { role: 'SITE', nom: s.contactSite.nom, telephone: s.contactSite.telephone } as ContactV2, writeContact)
      .element('contact', oc, writeContact)
      .close('contacts');
  },
  garantie(w, s: Signalisation) {
    w.element(
      'garantie',
      {
        code: s.garantieCode,
        statut: statutGarantie(s.etat, s.guaranteeClock.runningSince !== null),
        echeanceRetablissement: s.echeanceRetablissement ?? undefined,
      },
      writeGarantie,
    );
  },
};

function writeDeposit(w: XmlWriter, a: DepositAcknowledgement): void {
  w.open('deposerSignalisationReponse', NS)
    .leaf('referenceSignalisation', a.referenceSignalisation)
    .leaf('etat', a.etat)
    .leaf('dateHeurePriseEnCompte', dt(a.dateHeurePriseEnCompte))
    // The acknowledgement's deadline is absent only while the guarantee is paused.
    .element('garantie', { ...a.garantie, statut: statutGarantie(a.etat, a.garantie.echeanceRetablissement !== undefined) }, writeGarantie)
    .close('deposerSignalisationReponse');
}

function writeDetailResponse(w: XmlWriter, d: SignalisationDetail): void {
  w.open('consulterDetailSignalisationReponse', NS);
  writeDetail(w, d, V2_DETAIL_PARTS);
  w.close('consulterDetailSignalisationReponse');
}

function readNoticesRequest(p: PlainObject): { since?: Date } {
  const since = optionalText(p, 'publiesDepuis');
  return since !== undefined ? { since: dateTime(since) } : {};
}

function writeNotice(w: XmlWriter, n: Notice): void {
  w.leaf('reference', noticeReference(n.id))
    .leaf('type', n.kind)
    .leaf('datePublication', dt(n.publishedAt))
    .leaf('debut', n.startsAt ? dt(n.startsAt) : undefined)
    .leaf('fin', n.endsAt ? dt(n.endsAt) : undefined)
    .leaf('titre', n.title)
    .leaf('texte', n.body)
    .leaf('tousOperateurs', n.operatorCodes === null ? 'true' : 'false');
}

function writeNotices(w: XmlWriter, notices: Notice[]): void {
  w.open('consulterAvisReponse', NS);
  for (const n of notices) w.element('avis', n, writeNotice);
  w.close('consulterAvisReponse');
}

/** SignalisationService v2 (SOAPAction urn:esav:signalisation:v2:<name>). */
export function signalisationV2Operations(
  service: SignalisationService,
  rendezVous: RendezVousService,
  catalogue: CatalogueService,
  notices?: NoticeService,
): SoapOperation<any, any>[] {
  const operation = esavOperationFactory(NS);
  return [
    operation('deposerSignalisation', readDeposit, (c, i) => service.deposit(c, i), writeDeposit),
    operation('consulterEtatSignalisation', readKey, (c, k) => service.state(c, k), writeState('consulterEtatSignalisationReponse', NS)),
    operation('consulterDetailSignalisation', readKey, (c, k) => service.detail(c, k), writeDetailResponse),
    operation('listerSignalisations', readList, (c, r) => service.list(c, r), writePage('listerSignalisationsReponse', NS)),
    operation('consulterHistorique', readHistory, (c, r) => service.history(c, r), writePage('consulterHistoriqueReponse', NS)),
    operation('completerSignalisation', readCompletion, (c, r) => service.complete(c, r), (w, s) => writeCompletion(w, s, NS)),
    ...rendezVousOperations(rendezVous, NS),
    ...catalogueOperations(catalogue, NS),
    operation('consulterAvis', readNoticesRequest, async (c, r) => (notices ? notices.forOperator(c.operatorCode, r.since, 200) : []), writeNotices),
  ];
}
