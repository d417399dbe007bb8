// The signalisation (trouble ticket) and its life cycle (spec §2.3). Pure rules: no I/O.
import { addDays, parisDayOf, parisDayStart } from './paris-calendar.js';

export const ETATS = [
  'EN_DEPOT',
  'EN_QUALIFICATION',
  'EN_COURS',
  'GELE',
  'CLOS',
  'VALIDE',
  'CLOS_TABLEAU_DE_BORD',
  'EN_REJET',
] as const;
export type Etat = (typeof ETATS)[number];

export type Acteur = 'OPERATEUR' | 'SAV' | 'SYSTEME';
export type Impact = 'TOTAL' | 'DEGRADE' | 'INTERMITTENT';

/** The state a deposited signalisation starts in: admissibility being studied. */
export const ETAT_INITIAL: Etat = 'EN_DEPOT';

/** Allowed transitions and who may make them. */
const TRANSITIONS: Readonly<Record<Etat, ReadonlyArray<{ to: Etat; by: readonly Acteur[] }>>> = {
  EN_DEPOT: [
    { to: 'EN_QUALIFICATION', by: ['SAV', 'SYSTEME'] },
    { to: 'EN_REJET', by: ['SAV', 'SYSTEME'] },
  ],
  EN_QUALIFICATION: [
    { to: 'EN_COURS', by: ['SAV'] },
    { to: 'EN_REJET', by: ['SAV'] },
  ],
  EN_COURS: [
    { to: 'GELE', by: ['SAV'] },
    { to: 'CLOS', by: ['SAV'] },
  ],
  GELE: [
    { to: 'EN_COURS', by: ['OPERATEUR', 'SAV'] },
    { to: 'CLOS', by: ['SAV'] },
  ],
  CLOS: [
    { to: 'VALIDE', by: ['SAV'] },
    { to: 'CLOS_TABLEAU_DE_BORD', by: ['SYSTEME'] },
  ],
  VALIDE: [{ to: 'CLOS_TABLEAU_DE_BORD', by: ['SYSTEME'] }],
  CLOS_TABLEAU_DE_BORD: [],
  EN_REJET: [],
};

export function canTransition(from: Etat, to: Etat, by: Acteur): boolean {
  return TRANSITIONS[from].some((t) => t.to === to && t.by.includes(by));
}

export function isTerminal(etat: Etat): boolean {
  return TRANSITIONS[etat].length === 0;
}

export function isEtat(value: string): value is Etat {
  return (ETATS as readonly string[]).includes(value);
}

/** What a GELE signalisation waits for. */
export const ATTENTES = ['INFORMATION', 'ACCES_SITE', 'RENDEZ_VOUS'] as const;
export type Attente = (typeof ATTENTES)[number];

/** Waiting for the operator: completerSignalisation un-freezes these (an appointment does the other). */
export function waitsForOperatorInformation(etat: Etat, attente: Attente | null): boolean {
  return etat === 'GELE' && (attente === 'INFORMATION' || attente === 'ACCES_SITE');
}

/** Processed and closed (or refused): the 90-day history counts from these. */
export const CLOSED_STATES: readonly Etat[] = ['CLOS', 'VALIDE', 'CLOS_TABLEAU_DE_BORD', 'EN_REJET'];

export function isClosed(etat: Etat): boolean {
  return CLOSED_STATES.includes(etat);
}

export class TransitionRefused extends Error {
  constructor(
    readonly from: Etat,
    readonly to: Etat,
    readonly by: Acteur,
    reason?: string,
  ) {
    super(reason ?? `transition ${from} → ${to} non autorisée (${by})`);
    this.name = 'TransitionRefused';
  }
}

export interface TransitionRequest {
  to: Etat;
  by: Acteur;
  motif?: string;
  /** Required when closing (CLOS). */
  causeCloture?: string;
  /** Why the ticket is frozen (GELE); INFORMATION by default. */
  attente?: Attente;
}

export interface LifecycleState {
  etat: Etat;
  attente: Attente | null;
  causeCloture: string | null;
  dateCloture: Date | null;
}

export interface LifecycleChange extends LifecycleState {
  from: Etat;
  dateEtat: Date;
  motif: string | null;
}

/**
 * The one place where a state change is decided: the transition table of spec §2.3 plus what
 * each target state needs (a closure cause for CLOS, a reason for EN_REJET, what GELE waits for).
 */
export function planTransition(current: LifecycleState, request: TransitionRequest, at: Date): LifecycleChange {
  const { to, by } = request;
  if (!canTransition(current.etat, to, by)) throw new TransitionRefused(current.etat, to, by);
  if (to === 'CLOS' && !request.causeCloture) {
    throw new TransitionRefused(current.etat, to, by, 'une cause de clôture est requise pour clore la signalisation');
  }
  if (to === 'EN_REJET' && !request.motif) {
    throw new TransitionRefused(current.etat, to, by, 'un motif est requis pour rejeter la signalisation');
  }
  const closing = to === 'CLOS' || to === 'EN_REJET';
  let causeCloture = current.causeCloture;
  if (to === 'CLOS') causeCloture = request.causeCloture ?? null;
  if (to === 'EN_REJET') causeCloture = request.causeCloture ?? 'REJET';
  return {
    from: current.etat,
    etat: to,
    dateEtat: at,
    motif: request.motif ?? null,
    attente: to === 'GELE' ? (request.attente ?? 'INFORMATION') : null,
    causeCloture,
    dateCloture: closing ? at : current.dateCloture,
  };
}

/** Closed signalisations stay visible for 90 calendar days after closing (spec §3). */
export const HISTORY_DAYS = 90;

/** First instant still in the history window: 00:00 Europe/Paris, 90 calendar days ago. */
export function historyWindowStart(now: Date): Date {
  return parisDayStart(addDays(parisDayOf(now), -HISTORY_DAYS));
}

/** A closed signalisation past the 90-day window is never shown again (fault 312 when asked for). */
export function isBeyondHistory(dateCloture: Date | null, now: Date): boolean {
  return dateCloture !== null && dateCloture.getTime() < historyWindowStart(now).getTime();
}
