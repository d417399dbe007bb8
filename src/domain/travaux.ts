// Planned works (travaux programmés, Interop'Fibre "TP") and network incidents (dérangements
// collectifs, "DERCO"): their life cycle, how long they stay published, and which network elements
// of a prestation they can impact. Pure.

export const NATURES_TRAVAUX = ['TRAVAUX_PROGRAMMES', 'INCIDENT'] as const;
export type NatureTravaux = (typeof NATURES_TRAVAUX)[number];

export const ETATS_TRAVAUX = ['NOUVEAU', 'MAJ', 'REPLANIFICATION', 'CLOTURE', 'ANNULE'] as const;
export type EtatTravaux = (typeof ETATS_TRAVAUX)[number];

/** The FTTH network elements of the Interop'Fibre contract. */
export const EQUIPEMENTS_FTTH = ['PM', 'PMT', 'PBO', 'LIENPMPBO'] as const;
export type EquipementFtth = (typeof EQUIPEMENTS_FTTH)[number];

export const NATURES_INTERVENTION = ['DEPL', 'REFE', 'DSCM', 'EXTE', 'INGE', 'CHGC', 'AUTR'] as const;
export type NatureIntervention = (typeof NATURES_INTERVENTION)[number];

/** Closed (CLOTURE) or cancelled (ANNULE) works stay published this many days (spec: at least 8). */
export const VISIBILITE_APRES_CLOTURE_JOURS = 8;
const DAY_MS = 24 * 3600_000;

export const isClosedTravaux = (etat: EtatTravaux): boolean => etat === 'CLOTURE' || etat === 'ANNULE';
export const isEquipementFtth = (code: string): code is EquipementFtth => (EQUIPEMENTS_FTTH as readonly string[]).includes(code);

/** Works closed before this instant are no longer published. */
export function visibleSince(now: Date): Date {
  return new Date(now.getTime() - VISIBILITE_APRES_CLOTURE_JOURS * DAY_MS);
}

/** One network element a work or an incident impacts. */
export interface ElementReseau {
  /** PM, PBO, NRA, OLT…, or ZONE (an INSEE code). */
  type: string;
  reference: string;
}

export class TravauxRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TravauxRefused';
  }
}

/** What changes in a published work: the state it moves to follows from what changed. */
export interface TravauxUpdate {
  dateDebut?: Date;
  dateFin?: Date | null;
  otherFieldsChanged: boolean;
}

/**
 * The state after an update: new dates → REPLANIFICATION, other fields only → MAJ. A closed or
 * cancelled work cannot change any more.
 */
export function planUpdate(current: { etat: EtatTravaux; dateDebut: Date; dateFin: Date | null }, update: TravauxUpdate): EtatTravaux {
  if (isClosedTravaux(current.etat)) throw new TravauxRefused(`travaux à l'état ${current.etat} : plus de modification possible`);
  const debut = update.dateDebut ?? current.dateDebut;
  const fin = update.dateFin === undefined ? current.dateFin : update.dateFin;
  if (fin !== null && fin.getTime() <= debut.getTime()) throw new TravauxRefused('la date de fin doit suivre la date de début');
  const datesChanged =
    debut.getTime() !== current.dateDebut.getTime() || (fin?.getTime() ?? null) !== (current.dateFin?.getTime() ?? null);
  if (datesChanged) return 'REPLANIFICATION';
  if (update.otherFieldsChanged) return 'MAJ';
  throw new TravauxRefused('aucune modification');
}

export function planClosure(current: { etat: EtatTravaux }, to: 'CLOTURE' | 'ANNULE'): EtatTravaux {
  if (isClosedTravaux(current.etat)) throw new TravauxRefused(`travaux déjà à l'état ${current.etat}`);
  return to;
}
