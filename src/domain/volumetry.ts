// Volumetry (spec §3): each request is counted per operator, per minute, in the five kinds of
// article 6. Pure: which operation counts in which kind, and which answers count.
export const VOLUMETRY_KINDS = ['TEST_RESULTAT', 'TRAVAUX_INCIDENTS', 'DEPOT_SIGNALISATION', 'CONSULTATION_ETAT', 'HISTORIQUE'] as const;
export type VolumetryKind = (typeof VOLUMETRY_KINDS)[number];

export const VOLUMETRY_KIND_LABELS: Readonly<Record<VolumetryKind, string>> = {
  TEST_RESULTAT: 'test ayant produit un résultat',
  TRAVAUX_INCIDENTS: 'demande de travaux programmés / incidents',
  DEPOT_SIGNALISATION: 'dépôt de signalisation',
  CONSULTATION_ETAT: "consultation d'état",
  HISTORIQUE: "demande d'historique",
};

/**
 * The operations counted when answered, by name (every version and contract of the same
 * capability counts alike). TEST_RESULTAT is not here: a test counts when it produces its result,
 * in the worker's transaction (src/application/volumetry.ts), not when it is requested.
 */
export const OPERATION_VOLUMETRY_KINDS: Readonly<Record<string, VolumetryKind>> = {
  deposerSignalisation: 'DEPOT_SIGNALISATION',
  consulterEtatSignalisation: 'CONSULTATION_ETAT',
  consulterDetailSignalisation: 'CONSULTATION_ETAT',
  listerSignalisations: 'CONSULTATION_ETAT',
  consulterHistorique: 'HISTORIQUE',
  consulterTravauxIncidents: 'TRAVAUX_INCIDENTS',
  getInfoTravauxFTTH: 'TRAVAUX_INCIDENTS',
};

/**
 * Whether an answer counts: the request reached the service, i.e. it was answered ('ok') or
 * refused by the use case's own rules (faults 3xx: unknown signalisation, closed for more than 90
 * days…). Refusals before it (1xx message, 2xx caller, 4xx version / rate / maintenance) and
 * technical failures (500, nothing done) do not count.
 */
export function countsInVolumetry(outcome: string): boolean {
  return outcome === 'ok' || /^3\d\d$/.test(outcome);
}

const MINUTE_MS = 60_000;

/** The minute a request counts in (start of its UTC minute, the same as its Paris minute). */
export function volumetryMinute(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}
