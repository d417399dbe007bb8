// The service catalogue (offers, forms, nomenclatures, guarantees) as the rules read it.
// Loaded from catalog/ at start (src/store/catalogue-files.ts); dates are Europe/Paris calendar days.
import { parisWallTime } from './clock.js';

export interface CodeLibelle {
  code: string;
  libelle: string;
}

export interface FormField {
  code: string;
  libelle: string;
  obligatoire: boolean;
}

export interface FormVersion {
  idFormulaire: string;
  version: number;
  /** First day the version is accepted (YYYY-MM-DD, Europe/Paris). */
  dateProduction: string;
  /** First day the version is no longer accepted, or null while it is the current one. */
  finCoexistence: string | null;
  champs: FormField[];
}

export interface Offer {
  code: string;
  libelle: string;
  technologie: string;
  /** An activated offer has network tests. */
  offreActivee: boolean;
  dateCommercialisation: string;
  /** Set-up date: deposits are refused (301) before it. */
  dateMiseEnPlace: string;
  canauxSignalisation: string[];
  garanties: string[];
  tests: { disponibles: string[]; testPrealableRequis: boolean; validiteTestPrealableHeures: number };
  nomenclatures: { defautDeclare: CodeLibelle[]; localisationPresumee: CodeLibelle[] };
  formulaires: FormVersion[];
}

export interface Guarantee {
  code: string;
  libelle: string;
  delaiHeures: number;
  heuresOuvrees: boolean;
}

export interface Catalogue {
  offers: ReadonlyMap<string, Offer>;
  guarantees: ReadonlyMap<string, Guarantee>;
}

/** YYYY-MM-DD of an instant in Europe/Paris. */
export function parisDate(instant: Date): string {
  const w = parisWallTime(instant);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

export function isOfferSetUp(offer: Offer, now: Date): boolean {
  return offer.dateMiseEnPlace <= parisDate(now);
}

export function isFormVersionLive(form: FormVersion, now: Date): boolean {
  const today = parisDate(now);
  return form.dateProduction <= today && (form.finCoexistence === null || today < form.finCoexistence);
}

export function findLiveForm(offer: Offer, idFormulaire: string, version: number, now: Date): FormVersion | undefined {
  return offer.formulaires.find(
    (f) => f.idFormulaire === idFormulaire && f.version === version && isFormVersionLive(f, now),
  );
}

export function inNomenclature(list: readonly CodeLibelle[], code: string): boolean {
  return list.some((entry) => entry.code === code);
}
