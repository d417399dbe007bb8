// Planned works and network incidents (spec §2.5): what an operator may read (consulterTravauxIncidents,
// and for FTTH the Interop'Fibre getInfoTravauxFTTH), and what the back office publishes, updates,
// closes or cancels. No XML, no SQL.
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { EsavFault } from '../domain/faults.js';
import {
  isEquipementFtth,
  planClosure,
  planUpdate,
  TravauxRefused,
  visibleSince,
  type EtatTravaux,
  type NatureTravaux,
} from '../domain/travaux.js';
import { UseCaseError } from './errors.js';
import type { NewTravaux, Travaux, TravauxChanges, TravauxImpact, TravauxRepository } from './line-test-ports.js';
import type { PrestationRepository } from './signalisation-ports.js';
import type { Caller } from './signalisation.js';

/** At most this many works in one answer (most operators see a handful). */
export const MAX_TRAVAUX_PAR_REPONSE = 1000;

export type TravauxQuery = { identifiantPrestation: string } | { periode: { debut: Date; fin: Date } };

export interface TravauxIncidents {
  travauxProgrammes: TravauxImpact[];
  incidents: TravauxImpact[];
}

export interface Periode {
  debut: Date;
  fin: Date;
}

/** getInfoTravauxFTTH criteria (every one optional, combined with AND). */
export interface InfoTravauxCriteria {
  reference?: string;
  nature?: NatureTravaux;
  prestationsPm?: string[];
  dateCreation?: Periode;
  dateDebutTravaux?: Periode;
  dateFinTravaux?: Periode;
  interventionRequiseOC?: boolean;
  etat?: EtatTravaux;
  referencePriseImpactee?: string;
  referencePrestationPriseImpactee?: string;
}

export interface TravauxServiceDeps {
  catalogue: Catalogue;
  clock: Clock;
  prestations: PrestationRepository;
  travaux: TravauxRepository;
}

/**
 * The gateway does not model the operator's PM-level contract: the "prestation PM" of an operator
 * at a PM is named `<codeOperateur>-<referencePm>` (Interop'Fibre referencePrestationPm).
 */
export function prestationPm(operatorCode: string, referencePm: string): string {
  return `${operatorCode}-${referencePm}`;
}

const within = (instant: Date | null, p: Periode | undefined) =>
  p === undefined || (instant !== null && instant.getTime() >= p.debut.getTime() && instant.getTime() <= p.fin.getTime());

export class TravauxService {
  constructor(private readonly deps: TravauxServiceDeps) {}

  /** Works and incidents impacting one prestation of the caller, or any of its prestations over a period. */
  async consult(caller: Caller, query: TravauxQuery): Promise<TravauxIncidents> {
    const now = this.deps.clock.now();
    let found: TravauxImpact[];
    if ('identifiantPrestation' in query) {
      const prestation = await this.deps.prestations.findForOperator(caller.operatorCode, query.identifiantPrestation);
      if (!prestation) {
        throw new EsavFault(300, `Identifiant de prestation ${query.identifiantPrestation} inconnu`, { champ: 'identifiantPrestation' });
      }
      found = await this.deps.travaux.impacting({
        operatorCode: caller.operatorCode,
        prestationId: prestation.identifiant,
        visibleSince: visibleSince(now),
        limit: MAX_TRAVAUX_PAR_REPONSE,
      });
    } else {
      if (query.periode.debut.getTime() >= query.periode.fin.getTime()) {
        throw new EsavFault(101, 'Période invalide : debut doit précéder fin', { champ: 'periode' });
      }
      found = await this.deps.travaux.impacting({
        operatorCode: caller.operatorCode,
        overlap: query.periode,
        visibleSince: visibleSince(now),
        limit: MAX_TRAVAUX_PAR_REPONSE,
      });
    }
    return {
      travauxProgrammes: found.filter((t) => t.travaux.nature === 'TRAVAUX_PROGRAMMES'),
      incidents: found.filter((t) => t.travaux.nature === 'INCIDENT'),
    };
  }

  /**
   * Interop'Fibre getInfoTravauxFTTH: the visible FTTH works (on a PM, PMT, PBO or PM–PBO link)
   * impacting the caller's FTTH prestations, filtered by the criteria given.
   */
  async infoTravauxFtth(caller: Caller, criteria: InfoTravauxCriteria): Promise<TravauxImpact[]> {
    const now = this.deps.clock.now();
    const ftthOffers = [...this.deps.catalogue.offers.values()].filter((o) => o.technologie === 'FTTH').map((o) => o.code);
    const found = await this.deps.travaux.impacting({
      operatorCode: caller.operatorCode,
      offerCodes: ftthOffers,
      ftthOnly: true,
      visibleSince: visibleSince(now),
      limit: MAX_TRAVAUX_PAR_REPONSE,
    });
    return found.filter(({ travaux: t, prestations, prises }) => {
      if (criteria.reference !== undefined && t.reference !== criteria.reference) return false;
      if (criteria.nature !== undefined && t.nature !== criteria.nature) return false;
      if (criteria.prestationsPm && !criteria.prestationsPm.includes(prestationPm(caller.operatorCode, t.referencePm ?? ''))) return false;
      if (!within(t.createdAt, criteria.dateCreation)) return false;
      if (!within(t.dateDebut, criteria.dateDebutTravaux)) return false;
      if (!within(t.dateFin, criteria.dateFinTravaux)) return false;
      if (criteria.interventionRequiseOC !== undefined && t.interventionRequiseOC !== criteria.interventionRequiseOC) return false;
      if (criteria.etat !== undefined && t.etat !== criteria.etat) return false;
      if (criteria.referencePriseImpactee !== undefined && !prises.includes(criteria.referencePriseImpactee)) return false;
      if (criteria.referencePrestationPriseImpactee !== undefined && !prestations.includes(criteria.referencePrestationPriseImpactee)) return false;
      return true;
    });
  }

  // ---------------------------------------------------------------- back office

  async publish(input: Omit<NewTravaux, 'at'>): Promise<Travaux> {
    if (input.dateFin && input.dateFin.getTime() <= input.dateDebut.getTime()) {
      throw new UseCaseError('invalid', 'la date de fin doit suivre la date de début');
    }
    if (input.perimetre.length === 0) throw new UseCaseError('invalid', 'le périmètre doit nommer au moins un élément de réseau');
    if (isEquipementFtth(input.equipement) && !input.referencePm) {
      throw new UseCaseError('invalid', `referencePm obligatoire pour des travaux sur un équipement FTTH (${input.equipement}) : ils sont publiés sous Interop'Fibre`);
    }
    const created = await this.deps.travaux.insert({ ...input, at: this.deps.clock.now() });
    if (!created) throw new UseCaseError('refused', `la référence ${input.reference ?? ''} est déjà prise`);
    return created;
  }

  async get(reference: string): Promise<Travaux> {
    const found = await this.deps.travaux.find(reference);
    if (!found) throw unknown(reference);
    return found;
  }

  async list(openOnly: boolean, limit: number): Promise<Travaux[]> {
    return this.deps.travaux.list({ openOnly, limit });
  }

  /** An update: new dates make it REPLANIFICATION, any other change MAJ. */
  async update(reference: string, changes: TravauxChanges): Promise<Travaux> {
    const now = this.deps.clock.now();
    if (changes.perimetre && changes.perimetre.length === 0) throw new UseCaseError('invalid', 'le périmètre doit nommer au moins un élément de réseau');
    const updated = await this.deps.travaux
      .update(
        reference,
        (current) => {
          const otherFieldsChanged = Object.entries(changes).some(([key, value]) => key !== 'dateDebut' && key !== 'dateFin' && value !== undefined);
          const etat = planUpdate(current, {
            ...(changes.dateDebut !== undefined ? { dateDebut: changes.dateDebut } : {}),
            ...(changes.dateFin !== undefined ? { dateFin: changes.dateFin } : {}),
            otherFieldsChanged,
          });
          return { etat, changes };
        },
        now,
      )
      .catch(asRefusal);
    if (!updated) throw unknown(reference);
    return updated;
  }

  /** CLOTURE (done) or ANNULE (cancelled): still published for 8 days. */
  async close(reference: string, to: 'CLOTURE' | 'ANNULE', commentaire?: string): Promise<Travaux> {
    const now = this.deps.clock.now();
    const updated = await this.deps.travaux
      .update(
        reference,
        (current) => {
          const etat = planClosure(current, to);
          // Works closed while under way end now (their planned end, if any, is later).
          const endsNow =
            to === 'CLOTURE' && now.getTime() > current.dateDebut.getTime() && (current.dateFin === null || current.dateFin.getTime() > now.getTime());
          return {
            etat,
            changes: { ...(commentaire !== undefined ? { commentaire } : {}), ...(endsNow ? { dateFin: now } : {}) },
            closedAt: now,
          };
        },
        now,
      )
      .catch(asRefusal);
    if (!updated) throw unknown(reference);
    return updated;
  }
}

function unknown(reference: string): UseCaseError {
  return new UseCaseError('not-found', `travaux ${reference} inconnus`);
}

function asRefusal(error: unknown): never {
  if (error instanceof TravauxRefused) throw new UseCaseError('refused', `refusé : ${error.message}`);
  throw error;
}
