// The conformance domains ("jeu de test e-SAV", spec §3, docs/conformance.md) and what a passing
// domain must have left in the gateway's own log of served calls (table served_operations): for
// each domain, every call of its scenario suite with the outcome the suite expects — the
// successful chain and the documented faults of the negative cases. Shared by the conformance kit
// (each scenario declares the calls it makes, checked against this table by
// test/unit/conformance.test.ts) and by the gateway, which records a domain as passed only when
// it finds all of them in the run's window (src/application/conformance-runs.ts). Pure data.

export type ConformanceDomain = 'signalisation' | 'test' | 'rendezvous' | 'interop';
export const CONFORMANCE_DOMAINS: readonly ConformanceDomain[] = ['signalisation', 'test', 'rendezvous', 'interop'];

export const isConformanceDomain = (value: unknown): value is ConformanceDomain =>
  typeof value === 'string' && (CONFORMANCE_DOMAINS as readonly string[]).includes(value);

/** The published services, by the last segment of their path (/ws/v1/test → test). */
export type ServiceName = 'signalisation' | 'test' | 'planChargeSavFtth' | 'infoTravauxFTTH';

export interface EvidenceItem {
  service: ServiceName;
  operation: string;
  /** `ok`, or the fault a negative case must produce (`fault:101`). */
  outcome: string;
}

const ok = (service: ServiceName, operation: string): EvidenceItem => ({ service, operation, outcome: 'ok' });
const fault = (service: ServiceName, operation: string, code: number): EvidenceItem => ({ service, operation, outcome: `fault:${code}` });

export const DOMAIN_EVIDENCE: Readonly<Record<ConformanceDomain, readonly EvidenceItem[]>> = {
  signalisation: [
    ok('signalisation', 'consulterCatalogue'),
    ok('signalisation', 'deposerSignalisation'),
    ok('signalisation', 'consulterEtatSignalisation'),
    ok('signalisation', 'consulterDetailSignalisation'),
    ok('signalisation', 'listerSignalisations'),
    ok('signalisation', 'consulterHistorique'),
    fault('signalisation', 'deposerSignalisation', 101),
    fault('signalisation', 'deposerSignalisation', 300),
    fault('signalisation', 'consulterCatalogue', 201),
  ],
  test: [
    ok('test', 'listerTestsDisponibles'),
    ok('test', 'demanderTest'),
    ok('test', 'consulterResultatTest'),
    fault('test', 'demanderTest', 101),
    fault('test', 'listerTestsDisponibles', 300),
    fault('test', 'listerTestsDisponibles', 201),
  ],
  rendezvous: [
    ok('signalisation', 'rechercherCreneaux'),
    ok('signalisation', 'reserverCreneau'),
    ok('signalisation', 'consulterRendezVous'),
    ok('signalisation', 'annulerRendezVous'),
    fault('signalisation', 'rechercherCreneaux', 101),
    fault('signalisation', 'consulterRendezVous', 310),
    fault('signalisation', 'consulterRendezVous', 201),
  ],
  interop: [
    ok('planChargeSavFtth', 'rechercheCreneauxLibres'),
    ok('planChargeSavFtth', 'reservationCreneau'),
    ok('planChargeSavFtth', 'reportRDV'),
    ok('planChargeSavFtth', 'consultationRdv'),
    ok('infoTravauxFTTH', 'getInfoTravauxFTTH'),
    fault('planChargeSavFtth', 'rechercheCreneauxLibres', 101),
    fault('planChargeSavFtth', 'consultationRdv', 201),
    fault('infoTravauxFTTH', 'getInfoTravauxFTTH', 201),
  ],
};

const SERVICE_PATH = /^\/ws\/(?:v\d+|interop)\/([A-Za-z]+)$/;

/** The service a served path belongs to (any version), or undefined for anything else. */
export function serviceOfPath(path: string): ServiceName | undefined {
  const name = SERVICE_PATH.exec(path)?.[1];
  return name === 'signalisation' || name === 'test' || name === 'planChargeSavFtth' || name === 'infoTravauxFTTH' ? name : undefined;
}

export const evidenceKey = (e: EvidenceItem): string => `${e.service} ${e.operation} ${e.outcome}`;

/** The calls of `domain` not found among `seen` (keys of evidenceKey). */
export function missingEvidence(domain: ConformanceDomain, seen: ReadonlySet<string>): EvidenceItem[] {
  return DOMAIN_EVIDENCE[domain].filter((e) => !seen.has(evidenceKey(e)));
}

/** e.g. "deposerSignalisation (signalisation) réussi", "consulterCatalogue (signalisation) en faute 201". */
export function describeEvidence(e: EvidenceItem): string {
  return `${e.operation} (${e.service}) ${e.outcome === 'ok' ? 'réussi' : `en faute ${e.outcome.slice('fault:'.length)}`}`;
}
