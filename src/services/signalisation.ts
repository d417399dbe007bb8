// Signalisation use cases: deposit, state and detail (spec §2.2). No XML and no SQL here: the
// contract mappings call these, the repositories are passed in.
import type { Catalogue, Offer } from '../domain/catalogue.js';
import { findLiveForm, inNomenclature, isOfferSetUp } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { EsavFault } from '../domain/faults.js';
import { ETAT_INITIAL, type Etat, type Impact } from '../domain/signalisation.js';
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
  SignalisationKey,
  SignalisationRepository,
} from './signalisation-ports.js';

/** Who asks: the operator resolved from the client certificate. */
export interface Caller {
  operatorCode: string;
}

export interface DepositRequest {
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
}

export interface SignalisationServiceDeps {
  catalogue: Catalogue;
  prestations: PrestationRepository;
  signalisations: SignalisationRepository;
  clock: Clock;
}

export class SignalisationService {
  constructor(private readonly deps: SignalisationServiceDeps) {}

  async deposit(caller: Caller, request: DepositRequest): Promise<DepositAcknowledgement> {
    const { signalisations, clock } = this.deps;
    // A retry of an acknowledged deposit gets the first acknowledgement, even if the catalogue
    // changed since: the operator must never end up with two tickets or a refused retry.
    const existing = await signalisations.find(caller.operatorCode, { referenceInterneOC: request.referenceInterneOC });
    if (existing) return acknowledgement(existing, false);

    const now = clock.now();
    const { prestation } = await this.checkDeposit(caller, request, now);
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
      depositedAt: now,
      firstHistory: { actor: 'OPERATEUR', motif: 'Dépôt de la signalisation' },
    });
    return acknowledgement(signalisation, created);
  }

  /** The admissibility checks of a deposit, in the order the contract documents them. */
  private async checkDeposit(caller: Caller, request: DepositRequest, now: Date): Promise<{ offer: Offer; prestation: Prestation }> {
    const offer = this.deps.catalogue.offers.get(request.offre);
    if (!offer) throw new EsavFault(301, `Offre ${request.offre} inconnue de l'e-SAV`, { champ: 'offre' });
    if (!isOfferSetUp(offer, now)) {
      throw new EsavFault(301, `Offre ${offer.code} en cours de mise en place (à partir du ${offer.dateMiseEnPlace})`, { champ: 'offre' });
    }
    if (!offer.canauxSignalisation.includes('WS')) {
      throw new EsavFault(301, `Offre ${offer.code} non disponible par web service pour la signalisation`, { champ: 'offre' });
    }

    const prestation = await this.deps.prestations.findForOperator(caller.operatorCode, request.identifiantPrestation);
    // Unknown and another operator's prestation get the very same answer.
    if (!prestation || prestation.offerCode !== offer.code) {
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
    const known = new Set(form.champs.map((c) => c.code));
    for (const champ of request.champs) {
      if (!known.has(champ.code)) {
        throw new EsavFault(303, `Champ ${champ.code} inconnu du formulaire ${form.idFormulaire} v${form.version}`, {
          champ: `champs/champ[code=${champ.code}]`,
        });
      }
    }
    for (const field of form.champs.filter((c) => c.obligatoire)) {
      if (!request.champs.some((c) => c.code === field.code && c.valeur.trim() !== '')) {
        throw new EsavFault(303, `Champ obligatoire ${field.code} (${field.libelle}) absent`, {
          champ: `champs/champ[code=${field.code}]`,
        });
      }
    }
    return { offer, prestation };
  }

  async state(caller: Caller, key: SignalisationKey): Promise<SignalisationState> {
    const s = await this.find(caller, key);
    return {
      referenceSignalisation: s.reference,
      referenceInterneOC: s.referenceInterneOC,
      etat: s.etat,
      dateEtat: s.dateEtat,
      ...(s.motif ? { motif: s.motif } : {}),
    };
  }

  async detail(caller: Caller, key: SignalisationKey): Promise<SignalisationDetail> {
    const signalisation = await this.find(caller, key);
    const [prestation, history, comments] = await Promise.all([
      this.deps.prestations.findForOperator(caller.operatorCode, signalisation.prestationId),
      this.deps.signalisations.history(signalisation.id),
      this.deps.signalisations.comments(signalisation.id),
    ]);
    if (!prestation) throw new Error(`prestation ${signalisation.prestationId} of ${signalisation.reference} is missing`);
    return { signalisation, prestation, history, comments };
  }

  private async find(caller: Caller, key: SignalisationKey): Promise<Signalisation> {
    const found = await this.deps.signalisations.find(caller.operatorCode, key);
    if (!found) {
      const champ = 'referenceSignalisation' in key ? 'referenceSignalisation' : 'referenceInterneOC';
      throw new EsavFault(310, undefined, { champ });
    }
    return found;
  }
}

function acknowledgement(s: Signalisation, created: boolean): DepositAcknowledgement {
  return {
    referenceSignalisation: s.reference,
    // A retry replays the first acknowledgement, which was given in the initial state.
    etat: ETAT_INITIAL,
    dateHeurePriseEnCompte: s.depositedAt,
    garantie: { code: s.garantieCode, ...(s.echeanceRetablissement ? { echeanceRetablissement: s.echeanceRetablissement } : {}) },
    created,
  };
}
