// The service catalogue (offers, forms, nomenclatures, guarantees) as the rules read it.
// Loaded from catalog/ at start (src/adapters/catalogue/catalogue-files.ts); dates are Europe/Paris calendar days.
// A form version's fields come from its own XSD (catalog/formulaires/<id>/v<N>.xsd): the loader
// derives `champs` from it and implements `checkChamps` with it (decision 0006).
import { addCalendarMonths, parisDayOf } from './paris-calendar.js';

export interface CodeLibelle {
  code: string;
  libelle: string;
}

/**
 * How a form field is entered, derived from its XSD type (the built-in type it restricts, or
 * 'enumeration' when the type lists its values): what a generated form needs to choose its input.
 */
export type FormFieldType = 'text' | 'integer' | 'decimal' | 'date' | 'dateTime' | 'time' | 'boolean' | 'enumeration';

/** A bound of a value (xs:minInclusive / xs:minExclusive…), as written in the schema. */
export interface FormFieldBound {
  valeur: string;
  inclus: boolean;
}

/**
 * A field of a form version, derived from its XSD (plain data: no XML here). The constraints are
 * the schema's facets, merged along the type's restrictions; the gateway still checks every value
 * with the schema itself (checkChamps), these are what a form shows and checks beforehand.
 */
export interface FormField {
  code: string;
  libelle: string;
  obligatoire: boolean;
  type: FormFieldType;
  /** The XSD built-in type the field's type restricts, e.g. 'token', 'integer', 'date'. */
  typeXsd: string;
  /** xs:token and others collapse blanks before the facets apply; xs:string keeps them. */
  espaces: 'preserve' | 'replace' | 'collapse';
  /** The admitted values (type 'enumeration'), in schema order; libellé = their documentation, else the value. */
  valeurs?: CodeLibelle[];
  /**
   * The XSD patterns (xs:pattern, XSD regular expressions, implicitly anchored): a value matches
   * one pattern of each group; one group per restriction step that has patterns.
   */
  motifs?: string[][];
  longueurMin?: number;
  longueurMax?: number;
  min?: FormFieldBound;
  max?: FormFieldBound;
  /** xs:totalDigits / xs:fractionDigits of a decimal or integer. */
  chiffresMax?: number;
  decimalesMax?: number;
  /** Help text: a second French xs:documentation of the field, else the French documentation of its type. */
  aide?: string;
}

/** A form field as an operator sends it in `champs/champ`. */
export interface ChampValeur {
  code: string;
  valeur: string;
}

export interface FormVersion {
  idFormulaire: string;
  version: number;
  /** First day the version is accepted (YYYY-MM-DD, Europe/Paris). */
  dateProduction: string;
  /**
   * First day the version is no longer accepted (YYYY-MM-DD, Europe/Paris), or null for the latest
   * version. Derived, never written by hand: the next version's dateProduction plus one calendar
   * month (see endOfCoexistence).
   */
  finCoexistence: string | null;
  /** The fields, derived from the version's XSD, in schema order. */
  champs: FormField[];
  /**
   * Checks the fields of a request against this version's schema. Throws EsavFault 303 naming the
   * field (`champ` = `champs/champ[code=<CODE>]`) for an unknown or repeated code, a missing or empty
   * mandatory field, or a value that does not match the field's type.
   */
  checkChamps(champs: ReadonlyArray<ChampValeur>): void;
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
  /** The channels an operator may deposit a signalisation through (the others are refused, fault 301). */
  canauxSignalisation: SignalisationChannel[];
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

/**
 * The channels of a deposit: WS, the web services (e-SAV intégré); PORTAIL, the operators' web
 * portal (e-SAV en ligne). The catalogue says which ones each offer accepts.
 */
export const SIGNALISATION_CHANNELS = ['WS', 'PORTAIL'] as const;
export type SignalisationChannel = (typeof SIGNALISATION_CHANNELS)[number];

export const SIGNALISATION_CHANNEL_LABELS: Readonly<Record<SignalisationChannel, string>> = {
  WS: 'web services (e-SAV intégré)',
  PORTAIL: 'portail (e-SAV en ligne)',
};

export const isSignalisationChannel = (value: string): value is SignalisationChannel =>
  (SIGNALISATION_CHANNELS as readonly string[]).includes(value);

/** Whether the offer accepts deposits through this channel (its canauxSignalisation). */
export function acceptsChannel(offer: Pick<Offer, 'canauxSignalisation'>, canal: SignalisationChannel): boolean {
  return offer.canauxSignalisation.includes(canal);
}

/** Spec §3: at most two live versions of each form. */
export const MAX_LIVE_FORM_VERSIONS = 2;
/** Spec §3: an old form version stays accepted one month after its successor's production date. */
export const FORM_COEXISTENCE_MONTHS = 1;

/** The `champ` path of a fault about one form field. */
export function champPath(code: string): string {
  return `champs/champ[code=${code}]`;
}

/** First day a form version is no longer accepted, given its successor's production date. */
export function endOfCoexistence(nextDateProduction: string): string {
  return addCalendarMonths(nextDateProduction, FORM_COEXISTENCE_MONTHS);
}

/** Marketed: listed by consulterCatalogue from dateCommercialisation (Paris calendar day) on. */
export function isOfferMarketed(offer: Offer, now: Date): boolean {
  return offer.dateCommercialisation <= parisDayOf(now);
}

export function isOfferSetUp(offer: Offer, now: Date): boolean {
  return offer.dateMiseEnPlace <= parisDayOf(now);
}

export function isFormVersionLive(form: FormVersion, now: Date): boolean {
  const today = parisDayOf(now);
  return form.dateProduction <= today && (form.finCoexistence === null || today < form.finCoexistence);
}

export function findLiveForm(offer: Offer, idFormulaire: string, version: number, now: Date): FormVersion | undefined {
  return offer.formulaires.find(
    (f) => f.idFormulaire === idFormulaire && f.version === version && isFormVersionLive(f, now),
  );
}

/** The form versions of an offer accepted at `now`, by idFormulaire then version. */
export function liveForms(offer: Offer, now: Date): FormVersion[] {
  return offer.formulaires
    .filter((f) => isFormVersionLive(f, now))
    .sort((a, b) => (a.idFormulaire === b.idFormulaire ? a.version - b.version : a.idFormulaire < b.idFormulaire ? -1 : 1));
}

export function inNomenclature(list: readonly CodeLibelle[], code: string): boolean {
  return list.some((entry) => entry.code === code);
}
