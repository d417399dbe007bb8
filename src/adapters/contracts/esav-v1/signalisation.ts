// e-SAV SignalisationService v1: XML ⇄ use-case mapping of each operation.
// The schema (xsd/v1/signalisation-v1.xsd) has validated the payload before read() runs.
import { formatParisDateTime } from '../../../domain/paris-calendar.js';
import type { Impact } from '../../../domain/signalisation.js';
import type { SignalisationKey } from '../../../application/signalisation-ports.js';
import type { Etat } from '../../../domain/signalisation.js';
import type { Signalisation } from '../../../application/signalisation-ports.js';
import type {
  CompletionRequest,
  DepositAcknowledgement,
  DepositRequest,
  HistoryRequest,
  ListRequest,
  Page,
  SignalisationDetail,
  SignalisationService,
  SignalisationState,
} from '../../../application/signalisation.js';
import type { SoapOperation } from '../../soap/endpoint.js';
import { esavOperationFactory } from '../esav-conventions.js';
import type { PlainObject } from '../../soap/envelope.js';
import type { XmlWriter } from '../../soap/writer.js';
import { child, dateTime, list, optionalChild, optionalText, text } from '../plain.js';

export const SIGNALISATION_V1_NS = 'urn:esav:signalisation:v1';
const dt = formatParisDateTime;

function readDeposit(p: PlainObject): DepositRequest {
  const formulaire = child(p, 'formulaire');
  const contactSite = child(p, 'contactSite');
  const contactOC = child(p, 'contactOC');
  const accesSite = optionalChild(p, 'accesSite');
  const dateDebutDefaut = optionalText(p, 'dateDebutDefaut');
  const localisationPresumee = optionalText(p, 'localisationPresumee');
  const commentaire = optionalText(p, 'commentaire');
  const idDemandeTest = optionalText(p, 'idDemandeTest');
  const email = optionalText(contactOC, 'email');
  return {
    canal: 'WS',
    offre: text(p, 'offre'),
    identifiantPrestation: text(p, 'identifiantPrestation'),
    formulaire: { idFormulaire: text(formulaire, 'idFormulaire'), version: Number(text(formulaire, 'version')) },
    defautDeclare: text(p, 'defautDeclare'),
    impact: text(p, 'impact') as Impact,
    ...(dateDebutDefaut !== undefined ? { dateDebutDefaut: dateTime(dateDebutDefaut) } : {}),
    ...(localisationPresumee !== undefined ? { localisationPresumee } : {}),
    referenceInterneOC: text(p, 'referenceInterneOC'),
    contactSite: { nom: text(contactSite, 'nom'), telephone: text(contactSite, 'telephone') },
    contactOC: {
      nom: text(contactOC, 'nom'),
      telephone: text(contactOC, 'telephone'),
      ...(email !== undefined ? { email } : {}),
    },
    ...readAccesSite(accesSite),
    ...(commentaire !== undefined ? { commentaire } : {}),
    champs: readChamps(p),
    ...(idDemandeTest !== undefined ? { idDemandeTest } : {}),
  };
}

export function readChamps(p: PlainObject) {
  return list(optionalChild(p, 'champs'), 'champ').map((c) => ({ code: text(c, 'code'), valeur: optionalText(c, 'valeur') ?? '' }));
}

export function readContactSite(p: PlainObject | undefined) {
  return p ? { contactSite: { nom: text(p, 'nom'), telephone: text(p, 'telephone') } } : {};
}

export function readAccesSite(p: PlainObject | undefined) {
  return p ? { accesSite: { horaires: text(p, 'horaires'), informations: text(p, 'informations') } } : {};
}

function readPeriode(p: PlainObject | undefined) {
  return p ? { periode: { debut: dateTime(text(p, 'debut')), fin: dateTime(text(p, 'fin')) } } : {};
}

function readPaging(p: PlainObject) {
  const curseur = optionalText(p, 'curseur');
  const taille = optionalText(p, 'taille');
  return { ...(curseur !== undefined ? { curseur } : {}), ...(taille !== undefined ? { taille: Number(taille) } : {}) };
}

export function readList(p: PlainObject): ListRequest {
  const offre = optionalText(p, 'offre');
  const prestation = optionalText(p, 'identifiantPrestation');
  const etats = p.etat === undefined ? [] : [p.etat].flat();
  return {
    etats: etats.filter((e): e is string => typeof e === 'string') as Etat[],
    ...(offre !== undefined ? { offre } : {}),
    ...(prestation !== undefined ? { identifiantPrestation: prestation } : {}),
    ...readPeriode(optionalChild(p, 'periode')),
    ...readPaging(p),
  };
}

export function readHistory(p: PlainObject): HistoryRequest {
  const prestation = optionalText(p, 'identifiantPrestation');
  const periode = child(p, 'periode');
  return {
    periode: { debut: dateTime(text(periode, 'debut')), fin: dateTime(text(periode, 'fin')) },
    ...(prestation !== undefined ? { identifiantPrestation: prestation } : {}),
    ...readPaging(p),
  };
}

export function readCompletion(p: PlainObject): CompletionRequest {
  return {
    key: readKey(p),
    commentaire: text(p, 'commentaire'),
    ...(optionalChild(p, 'champs') ? { champs: readChamps(p) } : {}),
    ...readContactSite(optionalChild(p, 'contactSite')),
    ...readAccesSite(optionalChild(p, 'accesSite')),
  };
}

function writeSummary(w: XmlWriter, s: Signalisation): void {
  w.leaf('referenceSignalisation', s.reference)
    .leaf('referenceInterneOC', s.referenceInterneOC)
    .leaf('identifiantPrestation', s.prestationId)
    .leaf('offre', s.offerCode)
    .leaf('defautDeclare', s.defautDeclare)
    .leaf('etat', s.etat)
    .leaf('dateEtat', dt(s.dateEtat))
    .leaf('dateHeurePriseEnCompte', dt(s.depositedAt))
    .leaf('echeanceRetablissement', s.echeanceRetablissement ? dt(s.echeanceRetablissement) : undefined)
    .leaf('causeCloture', s.causeCloture)
    .leaf('dateCloture', s.dateCloture ? dt(s.dateCloture) : undefined);
}

export function writePage(element: string, ns = SIGNALISATION_V1_NS): (w: XmlWriter, page: Page) => void {
  return (w, page) =>
    w
      .open(element, ns)
      .each('signalisation', page.signalisations, writeSummary)
      .leaf('curseurSuivant', page.curseurSuivant)
      .close(element);
}

export function writeState(element: string, ns = SIGNALISATION_V1_NS): (w: XmlWriter, s: SignalisationState) => void {
  return (w, s) =>
    w
      .open(element, ns)
      .leaf('referenceSignalisation', s.referenceSignalisation)
      .leaf('referenceInterneOC', s.referenceInterneOC)
      .leaf('etat', s.etat)
      .leaf('dateEtat', dt(s.dateEtat))
      .leaf('motif', s.motif)
      .close(element);
}

export function readKey(p: PlainObject): SignalisationKey {
  const reference = optionalText(p, 'referenceSignalisation');
  return reference !== undefined ? { referenceSignalisation: reference } : { referenceInterneOC: text(p, 'referenceInterneOC') };
}

function writeGarantie(w: XmlWriter, g: { code: string; echeanceRetablissement?: Date | undefined }): void {
  w.leaf('code', g.code).leaf('echeanceRetablissement', g.echeanceRetablissement ? dt(g.echeanceRetablissement) : undefined);
}

/** What a later version writes differently in the detail: the contacts and the guarantee. */
export interface DetailParts {
  contacts(w: XmlWriter, s: Signalisation): void;
  garantie(w: XmlWriter, s: Signalisation): void;
}

const V1_DETAIL_PARTS: DetailParts = {
  contacts: (w, s) =>
    w
      .element('contactSite', s.contactSite, (w, c) => w.leaf('nom', c.nom).leaf('telephone', c.telephone))
      .element('contactOC', s.contactOC, (w, c) => w.leaf('nom', c.nom).leaf('telephone', c.telephone).leaf('email', c.email)),
  garantie: (w, s) => w.element('garantie', { code: s.garantieCode, echeanceRetablissement: s.echeanceRetablissement ?? undefined }, writeGarantie),
};

export function writeDetail(w: XmlWriter, d: SignalisationDetail, parts: DetailParts = V1_DETAIL_PARTS): void {
  const s = d.signalisation;
  w.open('signalisation')
    .leaf('referenceSignalisation', s.reference)
    .leaf('referenceInterneOC', s.referenceInterneOC)
    .leaf('dateHeurePriseEnCompte', dt(s.depositedAt))
    .leaf('etat', s.etat)
    .leaf('dateEtat', dt(s.dateEtat))
    .leaf('motif', s.motif)
    .element('prestation', d.prestation, (w, p) => {
      w.leaf('identifiantPrestation', p.identifiant)
        .leaf('offre', p.offerCode)
        .leaf('codeInsee', p.codeInsee)
        .open('extremites')
        .each('extremite', p.extremites, (w, e) => {
          w.leaf('type', e.type)
            .leaf('reference', e.reference)
            .element('adresse', e.adresse, (w, a) => {
              for (const ligne of a.lignes) w.leaf('ligne', ligne);
              w.leaf('codePostal', a.codePostal).leaf('commune', a.commune).leaf('codeInsee', a.codeInsee);
            });
        })
        .close('extremites')
        .open('informationsComplementaires')
        .each('information', p.informations, (w, i) => w.leaf('code', i.code).leaf('valeur', i.valeur))
        .close('informationsComplementaires');
    })
    .element('formulaire', s.formulaire, (w, f) => w.leaf('idFormulaire', f.idFormulaire).leaf('version', f.version))
    .leaf('defautDeclare', s.defautDeclare)
    .leaf('impact', s.impact)
    .leaf('dateDebutDefaut', s.dateDebutDefaut ? dt(s.dateDebutDefaut) : undefined)
    .leaf('localisationPresumee', s.localisationPresumee);
  parts.contacts(w, s);
  w.element('accesSite', s.accesSite, (w, a) => w.leaf('horaires', a.horaires).leaf('informations', a.informations))
    .leaf('commentaire', s.commentaire)
    .element('champs', s.champs.length > 0 ? s.champs : undefined, (w, champs) =>
      w.each('champ', champs, (w, c) => w.leaf('code', c.code).leaf('valeur', c.valeur)),
    );
  parts.garantie(w, s);
  w.open('commentaires')
    .each('commentaire', d.comments, (w, c) => w.leaf('date', dt(c.at)).leaf('auteur', c.author).leaf('texte', c.texte))
    .close('commentaires')
    .open('historique')
    .each('changementEtat', d.history, (w, h) =>
      w.leaf('date', dt(h.at)).leaf('etatPrecedent', h.from).leaf('etat', h.to).leaf('acteur', h.actor).leaf('motif', h.motif),
    )
    .close('historique')
    .open('rendezVous')
    .each('rendezVous', d.appointments, (w, r) =>
      w.leaf('idRendezVous', r.idRendezVous).leaf('typeRendezVous', r.typeRendezVous).leaf('debut', dt(r.debut)).leaf('fin', dt(r.fin)).leaf('statut', r.statut),
    )
    .close('rendezVous')
    .open('tests')
    .each('test', d.tests, (w, t) =>
      w.leaf('idDemandeTest', t.idDemandeTest).leaf('typeTest', t.typeTest).leaf('statut', t.statut).leaf('verdict', t.verdict).leaf('dateDemande', dt(t.dateDemande)),
    )
    .close('tests')
    .leaf('causeCloture', s.causeCloture)
    .leaf('dateCloture', s.dateCloture ? dt(s.dateCloture) : undefined)
    .close('signalisation');
}

/** An operation of SignalisationService v1 (SOAPAction urn:esav:signalisation:v1:<name>). */
export const operation = esavOperationFactory(SIGNALISATION_V1_NS);

function writeDeposit(w: XmlWriter, a: DepositAcknowledgement): void {
  w.open('deposerSignalisationReponse', SIGNALISATION_V1_NS)
    .leaf('referenceSignalisation', a.referenceSignalisation)
    .leaf('etat', a.etat)
    .leaf('dateHeurePriseEnCompte', dt(a.dateHeurePriseEnCompte))
    .element('garantie', a.garantie, writeGarantie)
    .close('deposerSignalisationReponse');
}

export function writeCompletion(w: XmlWriter, s: SignalisationState, ns = SIGNALISATION_V1_NS): void {
  w.open('completerSignalisationReponse', ns)
    .leaf('referenceSignalisation', s.referenceSignalisation)
    .leaf('etat', s.etat)
    .leaf('dateEtat', dt(s.dateEtat))
    .close('completerSignalisationReponse');
}

function writeDetailResponse(w: XmlWriter, d: SignalisationDetail): void {
  w.open('consulterDetailSignalisationReponse', SIGNALISATION_V1_NS);
  writeDetail(w, d);
  w.close('consulterDetailSignalisationReponse');
}

export function signalisationV1Operations(service: SignalisationService): SoapOperation<any, any>[] {
  return [
    operation('deposerSignalisation', readDeposit, (c, i) => service.deposit(c, i), writeDeposit),
    operation('consulterEtatSignalisation', readKey, (c, k) => service.state(c, k), writeState('consulterEtatSignalisationReponse')),
    operation('consulterDetailSignalisation', readKey, (c, k) => service.detail(c, k), writeDetailResponse),
    operation('listerSignalisations', readList, (c, r) => service.list(c, r), writePage('listerSignalisationsReponse')),
    operation('consulterHistorique', readHistory, (c, r) => service.history(c, r), writePage('consulterHistoriqueReponse')),
    operation('completerSignalisation', readCompletion, (c, r) => service.complete(c, r), (w, s) => writeCompletion(w, s)),
  ];
}
