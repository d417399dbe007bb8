// consulterCatalogue (spec §2.2): the offers open to the caller with their live form versions,
// nomenclatures, guarantees and tests. No XML here: src/adapters/contracts/esav-v1/catalogue.ts maps it.
import type { Catalogue, FormVersion, Guarantee, Offer } from '../domain/catalogue.js';
import { isOfferMarketed, liveForms } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { EsavFault } from '../domain/faults.js';

export interface CatalogueRequest {
  /** One offer only; all the offers open to the caller when absent. */
  offre?: string;
}

/** One offer as consulterCatalogue shows it at the clock's now. */
export interface CatalogueOffer {
  offer: Offer;
  /** The form versions accepted now (one or two per form), by idFormulaire then version. */
  formulaires: FormVersion[];
  /** The offer's guarantees with their delays, in catalogue order. */
  garanties: Guarantee[];
}

export interface CatalogueServiceDeps {
  catalogue: Catalogue;
  clock: Clock;
}

export class CatalogueService {
  constructor(private readonly deps: CatalogueServiceDeps) {}

  /**
   * The offers open to the caller: those already marketed (dateCommercialisation ≤ today in
   * Paris), including the ones not set up yet (deposits refused until dateMiseEnPlace), so that
   * operators can prepare. A named offer that is unknown or not marketed yet → 301.
   */
  consult(request: CatalogueRequest): CatalogueOffer[] {
    const now = this.deps.clock.now();
    if (request.offre !== undefined) {
      const offer = this.deps.catalogue.offers.get(request.offre);
      if (!offer || !isOfferMarketed(offer, now)) {
        throw new EsavFault(301, `Offre ${request.offre} inconnue du catalogue e-SAV`, { champ: 'offre' });
      }
      return [this.view(offer, now)];
    }
    return [...this.deps.catalogue.offers.values()]
      .filter((offer) => isOfferMarketed(offer, now))
      .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .map((offer) => this.view(offer, now));
  }

  private view(offer: Offer, now: Date): CatalogueOffer {
    const garanties = offer.garanties.map((code) => {
      const guarantee = this.deps.catalogue.guarantees.get(code);
      // The loader refuses an offer naming an unknown guarantee: this is a programming error.
      if (!guarantee) throw new Error(`offer ${offer.code}: guarantee ${code} missing from the catalogue`);
      return guarantee;
    });
    return { offer, formulaires: liveForms(offer, now), garanties };
  }
}
