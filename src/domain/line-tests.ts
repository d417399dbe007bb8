// Line tests (spec §2.5): which tests an offer opens, the readings the network elements give for
// each kind of test, how a reading becomes a verdict, and the prior-test rule of the deposit.
// Pure: the queue, the network adapter and the store are elsewhere.
import type { Offer } from './catalogue.js';
import { EsavFault } from './faults.js';

export const TYPES_TEST = ['ETAT_SYNCHRO', 'MESURE_OPTIQUE', 'ETAT_PORT', 'ETAT_SESSION', 'REINITIALISATION_PORT'] as const;
export type TypeTest = (typeof TYPES_TEST)[number];

export const STATUTS_TEST = ['EN_ATTENTE', 'EN_COURS', 'TERMINE', 'ECHEC'] as const;
export type StatutTest = (typeof STATUTS_TEST)[number];

export type Verdict = 'OK' | 'KO' | 'INDETERMINE';
export type LocalisationProbable = 'RESEAU_FOURNISSEUR' | 'INSTALLATION_CLIENT' | 'INDETERMINEE';

export const isTypeTest = (value: string): value is TypeTest => (TYPES_TEST as readonly string[]).includes(value);

/** What each test does, as listerTestsDisponibles describes it. */
export const TEST_DESCRIPTIONS: Readonly<Record<TypeTest, { libelle: string; actionSurReseau: boolean }>> = {
  ETAT_SYNCHRO: { libelle: 'État de synchronisation de la ligne (modem ou ONT)', actionSurReseau: false },
  MESURE_OPTIQUE: { libelle: 'Mesure des puissances optiques reçues (ONT et OLT)', actionSurReseau: false },
  ETAT_PORT: { libelle: 'État administratif et opérationnel du port réseau', actionSurReseau: false },
  ETAT_SESSION: { libelle: 'État de la session de l’abonné (PPP/DHCP)', actionSurReseau: false },
  REINITIALISATION_PORT: { libelle: 'Réinitialisation du port réseau puis contrôle de la resynchronisation', actionSurReseau: true },
};

export interface Mesure {
  nom: string;
  valeur: string;
  unite?: string;
}

/** The outcome of a test that produced a result (statut TERMINE). */
export interface TestOutcome {
  verdict: Verdict;
  /** Absent when the verdict is OK. */
  localisation?: LocalisationProbable;
  mesures: Mesure[];
}

// ---------------------------------------------------------------- availability (fault 330)

/**
 * The tests open for an offer, in catalogue order. Only activated offers have tests (the
 * catalogue lists them); any other offer, or a type the offer does not list, is fault 330.
 */
export function availableTests(offer: Offer): TypeTest[] {
  if (!offer.offreActivee) return [];
  return offer.tests.disponibles.filter(isTypeTest);
}

export function assertTestAvailable(offer: Offer, typeTest?: TypeTest): void {
  const tests = availableTests(offer);
  if (tests.length === 0) {
    throw new EsavFault(330, `Aucun test disponible pour l'offre ${offer.code} (offre non activée)`, { champ: 'identifiantPrestation' });
  }
  if (typeTest !== undefined && !tests.includes(typeTest)) {
    throw new EsavFault(330, `Test ${typeTest} non disponible pour l'offre ${offer.code} (tests : ${tests.join(', ')})`, { champ: 'typeTest' });
  }
}

// ---------------------------------------------------------------- prior test (fault 305)

/** What the prior-test rule reads of a test. */
export interface PriorTestCandidate {
  reference: string;
  prestationId: string;
  statut: StatutTest;
  verdict: Verdict | null;
  completedAt: Date | null;
}

const HOUR_MS = 3600_000;

/**
 * Spec §2.5: when the offer requires it, a deposit must name a TERMINE test with verdict KO on the
 * same prestation whose result is less than `validiteTestPrealableHeures` hours old at `now` (at
 * exactly N hours it is too old). Fault 305 otherwise; `champ` idDemandeTest. The test is then
 * linked to the ticket (one test may justify several tickets on the same line).
 */
export function assertPriorTest(
  offer: Offer,
  prestationId: string,
  idDemandeTest: string | undefined,
  test: PriorTestCandidate | undefined,
  now: Date,
): void {
  if (!offer.tests.testPrealableRequis) return;
  const hours = offer.tests.validiteTestPrealableHeures;
  const required = `un test KO de moins de ${hours} h sur la prestation est requis avant le dépôt sur l'offre ${offer.code}`;
  const refuse = (why: string) => {
    throw new EsavFault(305, `${why} : ${required}`, { champ: 'idDemandeTest' });
  };
  if (idDemandeTest === undefined) refuse('Test préalable absent');
  if (!test || test.prestationId !== prestationId) refuse(`Test ${idDemandeTest} inconnu sur la prestation ${prestationId}`);
  if (test!.statut !== 'TERMINE') refuse(`Test ${idDemandeTest} sans résultat (statut ${test!.statut})`);
  if (test!.verdict !== 'KO') refuse(`Test ${idDemandeTest} de verdict ${test!.verdict}`);
  const age = now.getTime() - test!.completedAt!.getTime();
  if (age >= hours * HOUR_MS) refuse(`Test ${idDemandeTest} trop ancien (résultat du ${test!.completedAt!.toISOString()})`);
}

// ---------------------------------------------------------------- readings → verdict

/** Alarms raised on the provider's network side (element fault, collective incident…). */
interface Alarms {
  alarmesReseau: string[];
}

export interface LineStateReading extends Alarms {
  synchronise: boolean;
  debitDescendantKbps?: number;
  debitMontantKbps?: number;
  attenuationDb?: number;
  margeBruitDb?: number;
}

export interface OpticalReading extends Alarms {
  /** Power received by the ONT (customer side), null when the ONT does not answer. */
  puissanceRecueOntDbm: number | null;
  /** Power received by the OLT from the ONT, null when nothing is received. */
  puissanceRecueOltDbm: number | null;
}

export interface PortReading extends Alarms {
  etatAdministratif: 'UP' | 'DOWN';
  etatOperationnel: 'UP' | 'DOWN';
  erreursCrc: number;
}

export interface SessionReading extends Alarms {
  sessionActive: boolean;
  dureeSecondes?: number;
  adresseIp?: string;
}

export interface PortResetReading extends Alarms {
  reinitialise: boolean;
  synchroniseApres: boolean;
}

/** Optical budget of a GPON/P2P line as received by the ONT (dBm). */
export const OPTICAL_RX_MIN_DBM = -27;
export const OPTICAL_RX_MAX_DBM = -8;
/** Below this DSL noise margin the line is unstable. */
export const MIN_NOISE_MARGIN_DB = 6;
/** CRC errors above which a port is suspicious. */
export const MAX_CRC_ERRORS = 1000;

const yesNo = (b: boolean) => (b ? 'OUI' : 'NON');
const num = (n: number) => String(Math.round(n * 10) / 10);

function alarmsMesure(a: Alarms): Mesure[] {
  return a.alarmesReseau.length > 0 ? [{ nom: 'alarmesReseau', valeur: a.alarmesReseau.join(', ').slice(0, 100) }] : [];
}

function ko(alarms: Alarms, withoutAlarm: LocalisationProbable, mesures: Mesure[]): TestOutcome {
  return { verdict: 'KO', localisation: alarms.alarmesReseau.length > 0 ? 'RESEAU_FOURNISSEUR' : withoutAlarm, mesures };
}

export function interpretLineState(r: LineStateReading): TestOutcome {
  const mesures: Mesure[] = [{ nom: 'synchronisation', valeur: yesNo(r.synchronise) }];
  if (r.debitDescendantKbps !== undefined) mesures.push({ nom: 'debitDescendant', valeur: String(r.debitDescendantKbps), unite: 'kbit/s' });
  if (r.debitMontantKbps !== undefined) mesures.push({ nom: 'debitMontant', valeur: String(r.debitMontantKbps), unite: 'kbit/s' });
  if (r.attenuationDb !== undefined) mesures.push({ nom: 'attenuation', valeur: num(r.attenuationDb), unite: 'dB' });
  if (r.margeBruitDb !== undefined) mesures.push({ nom: 'margeBruit', valeur: num(r.margeBruitDb), unite: 'dB' });
  mesures.push(...alarmsMesure(r));
  if (!r.synchronise) return ko(r, 'INSTALLATION_CLIENT', mesures);
  if (r.alarmesReseau.length > 0 || (r.margeBruitDb !== undefined && r.margeBruitDb < MIN_NOISE_MARGIN_DB)) {
    return { verdict: 'INDETERMINE', localisation: 'INDETERMINEE', mesures };
  }
  return { verdict: 'OK', mesures };
}

export function interpretOptical(r: OpticalReading): TestOutcome {
  const mesures: Mesure[] = [
    { nom: 'puissanceRecueOnt', valeur: r.puissanceRecueOntDbm === null ? 'AUCUNE' : num(r.puissanceRecueOntDbm), unite: 'dBm' },
    { nom: 'puissanceRecueOlt', valeur: r.puissanceRecueOltDbm === null ? 'AUCUNE' : num(r.puissanceRecueOltDbm), unite: 'dBm' },
    ...alarmsMesure(r),
  ];
  if (r.alarmesReseau.length > 0) return ko(r, 'RESEAU_FOURNISSEUR', mesures);
  // The ONT does not answer and the OLT receives nothing: ONT off or unplugged at the customer's.
  if (r.puissanceRecueOntDbm === null) return ko(r, 'INSTALLATION_CLIENT', mesures);
  if (r.puissanceRecueOntDbm < OPTICAL_RX_MIN_DBM || r.puissanceRecueOntDbm > OPTICAL_RX_MAX_DBM) {
    return { verdict: 'KO', localisation: 'INDETERMINEE', mesures };
  }
  return { verdict: 'OK', mesures };
}

export function interpretPort(r: PortReading): TestOutcome {
  const mesures: Mesure[] = [
    { nom: 'etatAdministratif', valeur: r.etatAdministratif },
    { nom: 'etatOperationnel', valeur: r.etatOperationnel },
    { nom: 'erreursCrc', valeur: String(r.erreursCrc) },
    ...alarmsMesure(r),
  ];
  if (r.etatAdministratif === 'DOWN') return { verdict: 'KO', localisation: 'RESEAU_FOURNISSEUR', mesures };
  if (r.etatOperationnel === 'DOWN') return ko(r, 'INSTALLATION_CLIENT', mesures);
  if (r.alarmesReseau.length > 0 || r.erreursCrc > MAX_CRC_ERRORS) return { verdict: 'INDETERMINE', localisation: 'INDETERMINEE', mesures };
  return { verdict: 'OK', mesures };
}

export function interpretSession(r: SessionReading): TestOutcome {
  const mesures: Mesure[] = [{ nom: 'sessionActive', valeur: yesNo(r.sessionActive) }];
  if (r.dureeSecondes !== undefined) mesures.push({ nom: 'dureeSession', valeur: String(r.dureeSecondes), unite: 's' });
  if (r.adresseIp !== undefined) mesures.push({ nom: 'adresseIp', valeur: r.adresseIp });
  mesures.push(...alarmsMesure(r));
  if (!r.sessionActive) return ko(r, 'INSTALLATION_CLIENT', mesures);
  if (r.alarmesReseau.length > 0) return { verdict: 'INDETERMINE', localisation: 'INDETERMINEE', mesures };
  return { verdict: 'OK', mesures };
}

export function interpretPortReset(r: PortResetReading): TestOutcome {
  const mesures: Mesure[] = [
    { nom: 'reinitialisation', valeur: r.reinitialise ? 'EFFECTUEE' : 'REFUSEE' },
    { nom: 'synchronisationApres', valeur: yesNo(r.synchroniseApres) },
    ...alarmsMesure(r),
  ];
  if (!r.reinitialise) return { verdict: 'KO', localisation: 'RESEAU_FOURNISSEUR', mesures };
  if (!r.synchroniseApres) return ko(r, 'INSTALLATION_CLIENT', mesures);
  return { verdict: 'OK', mesures };
}
