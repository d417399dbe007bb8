// Signalisation use cases: deposit, state and detail (spec §2.2). No XML and no SQL here: the
// contract mappings call these, the repositories are passed in.
import type { Catalogue, Offer, SignalisationChannel } from '../domain/catalogue.js';
import { acceptsChannel, findLiveForm, inNomenclature, isOfferSetUp, SIGNALISATION_CHANNEL_LABELS } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { EsavFault, isEsavFault } from '../domain/faults.js';
import { assertPriorTest, type PriorTestCandidate } from '../domain/line-tests.js';
import { startGuarantee } from '../domain/guarantee.js';
import { parisDayOf } from '../domain/paris-calendar.js';
import { isInService } from '../domain/prestation-import.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import {
  ETAT_INITIAL,
  historyWindowStart,
  isBeyondHistory,
  isClosed,
  TransitionRefused,
  waitsForOperatorInformation,
  type Etat,
  type Impact,
} from '../domain/signalisation.js';
import { guaranteeState, transitionChange } from './lifecycle.js';
import { decodeCursor, encodeCursor, keysetPage, pageSize } from './paging.js';
import type {
  AccesSite,
  CodeValeur,
  CommentEntry,
  ContactOC,
  ContactSite,
  HistoryEntry,
  Prestation,
  PrestationRepository,
  Signalisation,
  SignalisationChange,
  SignalisationKey,
  SignalisationRepository,
  SignalisationStateView,
} from './signalisation-ports.js';

/** Who asks: the operator resolved from the client certificate. */
export interface Caller {
  operatorCode: string;
}

export interface DepositRequest {
  /**
   * The channel the deposit comes through: 'WS' from the SOAP contracts, 'PORTAIL' from the web
   * portal. An offer accepts only the channels of its catalogue entry (canauxSignalisation, 301);
   * every other rule is the same whatever the channel.
   */
  canal: SignalisationChannel;
  offre: string;
  identifiantPrestation: string;
  formulaire: { idFormulaire: string; version: number };
  defautDeclare: string;
  impact: Impact;
  dateDebutDefaut?: Date;
  localisationPresumee?: string;
  referenceInterneOC: string;
  contactSite: ContactSite;
  contactOC: ContactOC;
  accesSite?: AccesSite;
  commentaire?: string;
  champs: CodeValeur[];
  idDemandeTest?: string;
}

export interface DepositAcknowledgement {
  referenceSignalisation: string;
  etat: Etat;
  dateHeurePriseEnCompte: Date;
  garantie: { code: string; echeanceRetablissement?: Date };
  /** False when this was a retry of an already acknowledged deposit. */
  created: boolean;
}

export interface SignalisationState {
  referenceSignalisation: string;
  referenceInterneOC: string;
  etat: Etat;
  dateEtat: Date;
  motif?: string;
}

export interface SignalisationDetail {
  signalisation: Signalisation;
  prestation: Prestation;
  history: HistoryEntry[];
  comments: CommentEntry[];
  /** The ticket's appointments, oldest first (cancelled ones included). */
  appointments: AppointmentSummary[];
  /** The line tests linked to the ticket (its prior test, tests asked for it), oldest first. */
  tests: LinkedTest[];
}

export interface ListRequest {
  etats: Etat[];
  offre?: string;
  identifiantPrestation?: string;
  periode?: { debut: Date; fin: Date };
  curseur?: string;
  taille?: number;
}

export interface HistoryRequest {
  periode: { debut: Date; fin: Date };
  identifiantPrestation?: string;
  curseur?: string;
  taille?: number;
}

export interface Page {
  signalisations: Signalisation[];
  curseurSuivant?: string;
}

export interface CompletionRequest {
  key: SignalisationKey;
  commentaire: string;
  champs?: CodeValeur[];
  contactSite?: ContactSite;
  accesSite?: AccesSite;
}

/** An appointment as the detail of a signalisation shows it. */
export interface AppointmentSummary {
  idRendezVous: string;
  typeRendezVous: string;
  debut: Date;
  fin: Date;
  statut: string;
}

/** Reads a signalisation's appointments (the appointment use cases, src/application/rendezvous.ts). */
export interface AppointmentReader {
  forSignalisation(signalisationId: number): Promise<AppointmentSummary[]>;
}

/** A line test as the detail of a signalisation shows it. */
export interface LinkedTest {
  idDemandeTest: string;
  typeTest: string;
  statut: string;
  verdict: string | null;
  dateDemande: Date;
}

/** What the signalisation use cases read of the line tests (src/application/line-tests.ts, lineTestReader). */
export interface LinkedTestReader {
  /** The operator's test (undefined: unknown, or another operator's), for the prior-test rule. */
  priorTest(operatorCode: string, idDemandeTest: string): Promise<PriorTestCandidate | undefined>;
  /** The tests linked to a signalisation: named by its deposit (idDemandeTest) or asked for it. */
  forSignalisation(signalisation: Signalisation): Promise<LinkedTest[]>;
}

export interface SignalisationServiceDeps {
  /** Without it the detail shows no appointment. */
  appointments?: AppointmentReader;
  /** Without it the detail shows no test and the prior-test rule cannot be met (305 where required). */
  lineTests?: LinkedTestReader;
  catalogue: Catalogue;
  prestations: PrestationRepository;
  signalisations: SignalisationRepository;
  clock: Clock;
  calendar: HolidayCalendar;
}

export class SignalisationService {
  constructor(private readonly deps: SignalisationServiceDeps) {}

  async deposit(caller: Caller, request: DepositRequest): Promise<DepositAcknowledgement> {
    const { signalisations, clock } = this.deps;
    const now = clock.now();
    // A retry of an acknowledged deposit gets the first acknowledgement, even if the catalogue
    // changed since: the operator must never end up with two tickets or a refused retry. A first
    // deposit (the usual case) is not looked up beforehand: when the checks pass, depositOnce
    // returns the existing ticket of a retry instead of inserting; when they fail, the retry is
    // looked for before the fault is answered.
    let prestation: Prestation;
    try {
      ({ prestation } = await this.checkDeposit(caller, request, now));
    } catch (error) {
      if (!isEsavFault(error)) throw error;
      const existing = await signalisations.find(caller.operatorCode, { referenceInterneOC: request.referenceInterneOC });
      if (existing) return this.acknowledgement(existing, false);
      throw error;
    }
    const guaranteeClock = startGuarantee(now);
    const guarantee = guaranteeState(prestation.gtrCode, guaranteeClock, this.deps);
    const { signalisation, created } = await signalisations.depositOnce({
      operatorCode: caller.operatorCode,
      referenceInterneOC: request.referenceInterneOC,
      prestationId: prestation.identifiant,
      offerCode: request.offre,
      formulaire: request.formulaire,
      defautDeclare: request.defautDeclare,
      impact: request.impact,
      ...(request.dateDebutDefaut ? { dateDebutDefaut: request.dateDebutDefaut } : {}),
      ...(request.localisationPresumee ? { localisationPresumee: request.localisationPresumee } : {}),
      contactSite: request.contactSite,
      contactOC: request.contactOC,
      ...(request.accesSite ? { accesSite: request.accesSite } : {}),
      ...(request.commentaire ? { commentaire: request.commentaire } : {}),
      champs: request.champs,
      ...(request.idDemandeTest ? { idDemandeTest: request.idDemandeTest } : {}),
      etat: ETAT_INITIAL,
      garantieCode: prestation.gtrCode,
      ...(guarantee.echeance ? { echeanceRetablissement: guarantee.echeance } : {}),
      guaranteeClock,
      depositedAt: now,
      firstHistory: { actor: 'OPERATEUR', motif: request.canal === 'WS' ? 'Dépôt de la signalisation' : 'Dépôt de la signalisation sur le portail' },
    });
    return this.acknowledgement(signalisation, created);
  }

  /**
   * The acknowledgement of a deposit. A retry replays the first one: the initial state, the
   * deposit time and the deadline as computed at the deposit (not the current, possibly paused one).
   */
  private acknowledgement(s: Signalisation, created: boolean): DepositAcknowledgement {
    const initial = guaranteeState(s.garantieCode, startGuarantee(s.depositedAt), this.deps);
    return {
      referenceSignalisation: s.reference,
      etat: ETAT_INITIAL,
      dateHeurePriseEnCompte: s.depositedAt,
      garantie: { code: s.garantieCode, ...(initial.echeance ? { echeanceRetablissement: initial.echeance } : {}) },
      created,
    };
  }

  /** The admissibility checks of a deposit, in the order the contract documents them. */
  private async checkDeposit(caller: Caller, request: DepositRequest, now: Date): Promise<{ offer: Offer; prestation: Prestation }> {
    const offer = this.deps.catalogue.offers.get(request.offre);
    if (!offer) throw new EsavFault(301, `Offre ${request.offre} inconnue de l'e-SAV`, { champ: 'offre' });
    if (!isOfferSetUp(offer, now)) {
      throw new EsavFault(301, `Offre ${offer.code} en cours de mise en place (à partir du ${offer.dateMiseEnPlace})`, { champ: 'offre' });
    }
    if (!acceptsChannel(offer, request.canal)) throw channelRefused(offer, request.canal);

    const prestation = await this.deps.prestations.findForOperator(caller.operatorCode, request.identifiantPrestation);
    // Unknown and another operator's prestation get the very same answer.
    // A prestation not yet activated or already terminated (Paris day of now) is unknown to deposits.
    if (!prestation || prestation.offerCode !== offer.code || !isInService(prestation, parisDayOf(now))) {
      throw new EsavFault(300, `Identifiant de prestation ${request.identifiantPrestation} inconnu pour l'offre ${offer.code}`, {
        champ: 'identifiantPrestation',
      });
    }

    const form = findLiveForm(offer, request.formulaire.idFormulaire, request.formulaire.version, now);
    if (!form) {
      throw new EsavFault(
        302,
        `Formulaire ${request.formulaire.idFormulaire} version ${request.formulaire.version} inconnu ou retiré pour l'offre ${offer.code}`,
        { champ: 'formulaire' },
      );
    }
    if (!inNomenclature(offer.nomenclatures.defautDeclare, request.defautDeclare)) {
      throw new EsavFault(304, `Défaut déclaré ${request.defautDeclare} hors nomenclature de l'offre ${offer.code}`, {
        champ: 'defautDeclare',
      });
    }
    if (request.localisationPresumee && !inNomenclature(offer.nomenclatures.localisationPresumee, request.localisationPresumee)) {
      throw new EsavFault(304, `Localisation présumée ${request.localisationPresumee} hors nomenclature de l'offre ${offer.code}`, {
        champ: 'localisationPresumee',
      });
    }
    form.checkChamps(request.champs);
    await this.checkPriorTest(caller, offer, prestation, request.idDemandeTest, now);
    return { offer, prestation };
  }

  /**
   * The test named by the deposit: for an offer whose catalogue requires a prior test, a KO test
   * less than N hours old on this prestation (305, decided by assertPriorTest); for any other offer,
   * when one is named, it must be one of the caller's tests on this prestation (331). The ticket
   * stores its idDemandeTest, which links the test to it.
   */
  private async checkPriorTest(caller: Caller, offer: Offer, prestation: Prestation, idDemandeTest: string | undefined, now: Date): Promise<void> {
    const reader = this.deps.lineTests;
    const test = idDemandeTest !== undefined && reader ? await reader.priorTest(caller.operatorCode, idDemandeTest) : undefined;
    if (offer.tests.testPrealableRequis) {
      assertPriorTest(offer, prestation.identifiant, idDemandeTest, test, now);
    } else if (idDemandeTest !== undefined && reader && (!test || test.prestationId !== prestation.identifiant)) {
      throw new EsavFault(331, `Demande de test ${idDemandeTest} inconnue sur la prestation ${prestation.identifiant}`, { champ: 'idDemandeTest' });
    }
  }

  async state(caller: Caller, key: SignalisationKey): Promise<SignalisationState> {
    const found = await this.deps.signalisations.findState(caller.operatorCode, key);
    if (!found) throw notFound(key);
    if (isBeyondHistory(found.dateCloture, this.deps.clock.now())) throw new EsavFault(312);
    return stateOf(found);
  }

  async detail(caller: Caller, key: SignalisationKey): Promise<SignalisationDetail> {
    return detailOf(this.deps, await this.find(caller, key));
  }

  /** The caller's signalisations, most recent first (closed ones only within the 90-day window). */
  async list(caller: Caller, request: ListRequest): Promise<Page> {
    const now = this.deps.clock.now();
    if (request.periode) checkPeriod(request.periode);
    const limit = pageSize(request.taille);
    const rows = await this.deps.signalisations.list(
      caller.operatorCode,
      {
        etats: request.etats,
        ...(request.offre ? { offerCode: request.offre } : {}),
        ...(request.identifiantPrestation ? { prestationId: request.identifiantPrestation } : {}),
        ...(request.periode ? { depositedFrom: request.periode.debut, depositedTo: request.periode.fin } : {}),
        closedNotBefore: historyWindowStart(now),
      },
      request.curseur ? decodeCursor('L', request.curseur) : undefined,
      limit + 1,
    );
    return page(rows, limit, (last) => encodeCursor('L', { id: last.id }));
  }

  /** Signalisations closed within the period, limited to the last 90 calendar days. */
  async history(caller: Caller, request: HistoryRequest): Promise<Page> {
    const now = this.deps.clock.now();
    checkPeriod(request.periode);
    const windowStart = historyWindowStart(now);
    if (request.periode.fin.getTime() <= windowStart.getTime()) {
      throw new EsavFault(312, `Période antérieure à la fenêtre d'historique (clôtures depuis le ${windowStart.toISOString()})`, {
        champ: 'periode',
      });
    }
    const closedFrom = request.periode.debut.getTime() < windowStart.getTime() ? windowStart : request.periode.debut;
    const limit = pageSize(request.taille);
    const rows = await this.deps.signalisations.listClosed(
      caller.operatorCode,
      { closedFrom, closedTo: request.periode.fin, ...(request.identifiantPrestation ? { prestationId: request.identifiantPrestation } : {}) },
      request.curseur ? decodeCursor('H', request.curseur) : undefined,
      limit + 1,
    );
    return page(rows, limit, (last) => encodeCursor('H', { id: last.id, at: last.dateCloture! }));
  }

  /**
   * Adds the operator's information: a comment (restituted in the detail), and optionally form
   * fields, site contact and access. A ticket frozen waiting for the operator goes back to EN_COURS.
   */
  async complete(caller: Caller, request: CompletionRequest): Promise<SignalisationState> {
    const now = this.deps.clock.now();
    const updated = await this.deps.signalisations.update(caller.operatorCode, request.key, (current) => {
      if (isBeyondHistory(current.dateCloture, now)) throw new EsavFault(312);
      if (isClosed(current.etat)) {
        throw new EsavFault(311, `Signalisation ${current.reference} à l'état ${current.etat} : elle ne peut plus être complétée`);
      }
      let change: SignalisationChange = {};
      if (waitsForOperatorInformation(current.etat, current.attente)) {
        try {
          change = transitionChange(current, { to: 'EN_COURS', by: 'OPERATEUR', motif: 'Complément apporté par l’opérateur' }, now, this.deps);
        } catch (error) {
          if (error instanceof TransitionRefused) throw new EsavFault(311, error.message);
          throw error;
        }
      }
      const champs = request.champs ? mergeChamps(current.champs, request.champs) : undefined;
      if (champs) this.checkChampsOf(current, champs);
      return {
        ...change,
        comment: { at: now, author: 'OPERATEUR', texte: request.commentaire },
        ...(champs ? { champs } : {}),
        ...(request.contactSite ? { contactSite: request.contactSite } : {}),
        ...(request.accesSite ? { accesSite: request.accesSite } : {}),
      };
    });
    if (!updated) throw notFound(request.key);
    return stateOf(updated);
  }

  /** Checks form fields against the form version the ticket was deposited with. */
  private checkChampsOf(s: Signalisation, champs: CodeValeur[]): void {
    const form = this.deps.catalogue.offers
      .get(s.offerCode)
      ?.formulaires.find((f) => f.idFormulaire === s.formulaire.idFormulaire && f.version === s.formulaire.version);
    if (!form) return;
    form.checkChamps(champs);
  }

  private async find(caller: Caller, key: SignalisationKey): Promise<Signalisation> {
    const found = await this.deps.signalisations.find(caller.operatorCode, key);
    if (!found) throw notFound(key);
    if (isBeyondHistory(found.dateCloture, this.deps.clock.now())) throw new EsavFault(312);
    return found;
  }
}

/** A signalisation with its prestation, history, comments and appointments (operator and back office alike). */
export async function detailOf(
  deps: {
    prestations: PrestationRepository;
    signalisations: SignalisationRepository;
    appointments?: AppointmentReader | undefined;
    lineTests?: LinkedTestReader | undefined;
  },
  signalisation: Signalisation,
): Promise<SignalisationDetail> {
  const [prestation, history, comments, appointments, tests] = await Promise.all([
    deps.prestations.findForOperator(signalisation.operatorCode, signalisation.prestationId),
    deps.signalisations.history(signalisation.id),
    deps.signalisations.comments(signalisation.id),
    deps.appointments?.forSignalisation(signalisation.id) ?? Promise.resolve([]),
    deps.lineTests?.forSignalisation(signalisation) ?? Promise.resolve([]),
  ]);
  if (!prestation) throw new Error(`prestation ${signalisation.prestationId} of ${signalisation.reference} is missing`);
  return { signalisation, prestation, history, comments, appointments, tests };
}

/**
 * Fault 301 for a deposit through a channel the offer does not accept, naming the channels it does
 * (seed rule: FTTH signalisation is web-services only, so the portal explains where to deposit).
 */
export function channelRefused(offer: Offer, canal: SignalisationChannel): EsavFault {
  if (canal === 'WS') {
    // The SOAP contracts' wording, unchanged.
    return new EsavFault(301, `Offre ${offer.code} non disponible par web service pour la signalisation`, { champ: 'offre' });
  }
  const others = offer.canauxSignalisation.filter((c) => c !== canal);
  const where = others.length > 0 ? `uniquement par ${others.map((c) => SIGNALISATION_CHANNEL_LABELS[c]).join(' ou ')}` : 'par aucun canal';
  return new EsavFault(
    301,
    `La signalisation sur l'offre ${offer.code} (${offer.libelle}) se fait ${where} : elle ne peut pas être déposée sur le ${SIGNALISATION_CHANNEL_LABELS[canal]}`,
    { champ: 'offre' },
  );
}

function notFound(key: SignalisationKey): EsavFault {
  return new EsavFault(310, undefined, { champ: 'referenceSignalisation' in key ? 'referenceSignalisation' : 'referenceInterneOC' });
}

function stateOf(s: SignalisationStateView): SignalisationState {
  return {
    referenceSignalisation: s.reference,
    referenceInterneOC: s.referenceInterneOC,
    etat: s.etat,
    dateEtat: s.dateEtat,
    ...(s.motif ? { motif: s.motif } : {}),
  };
}

function checkPeriod(periode: { debut: Date; fin: Date }): void {
  if (periode.debut.getTime() >= periode.fin.getTime()) {
    throw new EsavFault(101, 'Période invalide : debut doit précéder fin', { champ: 'periode' });
  }
}

/** Rows fetched with one extra to know whether a next page exists. */
function page(rows: Signalisation[], limit: number, cursorOf: (last: Signalisation) => string): Page {
  const { items, next } = keysetPage(rows, limit, cursorOf);
  return { signalisations: items, ...(next !== undefined ? { curseurSuivant: next } : {}) };
}

/** New values replace the ones with the same code; other fields are kept. */
function mergeChamps(current: readonly CodeValeur[], added: readonly CodeValeur[]): CodeValeur[] {
  const byCode = new Map(current.map((c) => [c.code, c.valeur]));
  for (const c of added) byCode.set(c.code, c.valeur);
  return [...byCode].map(([code, valeur]) => ({ code, valeur }));
}


