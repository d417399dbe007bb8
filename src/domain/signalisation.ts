// The signalisation (trouble ticket) and its life cycle (spec §2.3). Pure rules: no I/O.

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
