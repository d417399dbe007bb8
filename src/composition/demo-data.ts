// The demo data set used by the embedded default, the docs, the tests and the conformance kit.
// Keep these identifiers stable: operators and integration teams rely on them. A seed written
// through the adapters (PostgreSQL repositories, the PKI to read the development certificates),
// so it belongs to the composition, not to the repositories.
import { frenchPublicHolidays } from '../domain/holidays.js';
import { DEFAULT_HORIZON_DAYS, patternProblem, type TypeRendezVous, type WorkingPattern } from '../domain/rendezvous.js';
import { addDays, parisDayOf } from '../domain/paris-calendar.js';
import { describeCertificate } from '../adapters/pki/certificates.js';
import { ensureDevPki, type DevPki } from '../adapters/pki/dev-pki.js';
import { systemClock } from '../domain/clock.js';
import type { GatewayConfig } from './config/config.js';
import type { Database } from '../adapters/postgres/db.js';
import { SqlOperatorRepository, type ProfileSeed } from '../adapters/postgres/operators.js';
import { upsertPrestation, type PrestationSeed } from '../adapters/postgres/prestations.js';
import { SqlCapacityRepository } from '../adapters/postgres/rendezvous.js';
import { loadDemoTestsTravaux } from './demo-tests-travaux.js';

/** The profiles of spec §3; '*' grants every operation. Later capabilities add their operations; every profile reads the provider's notices (consulterAvis, decision 0022). */
export const PROFILES: readonly ProfileSeed[] = [
  {
    name: 'SIGNALISATION_LECTURE',
    libelle: 'Signalisation en lecture seule',
    operations: ['consulterCatalogue', 'consulterEtatSignalisation', 'consulterDetailSignalisation', 'listerSignalisations', 'consulterHistorique', 'consulterAvis'],
  },
  {
    name: 'SIGNALISATION_COMPLET',
    libelle: 'Signalisation complète',
    operations: [
      'consulterCatalogue',
      'deposerSignalisation',
      'consulterEtatSignalisation',
      'consulterDetailSignalisation',
      'listerSignalisations',
      'consulterHistorique',
      'completerSignalisation',
      'consulterAvis',
    ],
  },
  {
    name: 'TEST',
    libelle: 'Tests de ligne, travaux et incidents',
    operations: ['listerTestsDisponibles', 'demanderTest', 'consulterResultatTest', 'consulterTravauxIncidents', 'getInfoTravauxFTTH', 'consulterAvis'],
  },
  {
    name: 'RENDEZVOUS',
    libelle: 'Rendez-vous SAV',
    operations: [
      'rechercherCreneaux',
      'reserverCreneau',
      'reporterRendezVous',
      'annulerRendezVous',
      'consulterRendezVous',
      'rechercheCreneauxLibres',
      'reservationCreneau',
      'reportRDV',
      'consultationRdv',
      'consulterAvis',
    ],
  },
  { name: 'TOUT', libelle: 'Toutes les opérations', operations: ['*'] },
];

export const DEMO_OPERATORS = [
  { code: 'OPA1', siret: '10000000900017', raisonSociale: 'Opérateur A (démo)', platform: 'integration' as const },
  { code: 'OPB2', siret: '20000000800017', raisonSociale: 'Opérateur B (démo)', platform: 'integration' as const },
];

export const DEMO_OPERATOR_CODES = DEMO_OPERATORS.map((o) => o.code);

/**
 * The development PKI under ESAV_DEV_CERTS_DIR (made on first use, shared by the processes of one
 * machine) unless production TLS files are configured (ESAV_TLS_*). Certificates are checked by
 * OpenSSL against the real time, not the business clock (which tests may set years away): the
 * PKI is dated with the system clock.
 */
export function developmentPki(config: Pick<GatewayConfig, 'tls' | 'devCertsDir'>): DevPki | undefined {
  return config.tls ? undefined : ensureDevPki({ dir: config.devCertsDir, operatorCodes: DEMO_OPERATOR_CODES, now: systemClock.now() });
}

const paris = (lignes: string[], codePostal: string, commune: string, codeInsee: string) => ({ lignes, codePostal, commune, codeInsee });

export const DEMO_PRESTATIONS: readonly PrestationSeed[] = [
  {
    identifiant: 'FI-1000-0001',
    operatorCode: 'OPA1',
    offerCode: 'FTTH_PASSIF',
    codeInsee: '75056',
    gtrCode: 'GTR_STANDARD',
    extremites: [
      { type: 'PTO', reference: 'PTO-75056-000123', adresse: paris(['12 rue de la Paix', 'Bâtiment A, 3e étage'], '75002', 'Paris', '75056') },
      { type: 'PM', reference: 'PM-75056-0042', adresse: paris(['1 rue Saint-Augustin'], '75002', 'Paris', '75056') },
    ],
    informations: [
      { code: 'PBO', valeur: 'PBO-75056-0042-07' },
      { code: 'ROUTE_OPTIQUE', valeur: 'PM42/CAB3/T2/F11' },
    ],
  },
  {
    identifiant: 'FI-1000-0002',
    operatorCode: 'OPA1',
    offerCode: 'FTTH_ACTIVE',
    codeInsee: '75056',
    gtrCode: 'GTR_10HO',
    extremites: [
      { type: 'PTO', reference: 'PTO-75056-000456', adresse: paris(['40 avenue de l’Opéra'], '75002', 'Paris', '75056') },
      { type: 'OLT', reference: 'OLT-PAR02-1/3/7' },
    ],
    informations: [
      { code: 'PBO', valeur: 'PBO-75056-0051-02' },
      { code: 'NUMERO_SERIE_ONT', valeur: 'ALCL00A1B2C3' },
    ],
  },
  {
    identifiant: '0140000001',
    operatorCode: 'OPA1',
    offerCode: 'CUIVRE_DEGROUPAGE',
    codeInsee: '75056',
    gtrCode: 'GTR_STANDARD',
    extremites: [
      { type: 'SITE_CLIENT', adresse: paris(['5 boulevard des Capucines'], '75009', 'Paris', '75056') },
      { type: 'NRA', reference: 'NRA-75109' },
    ],
    informations: [{ code: 'NUMERO_DESIGNATION', valeur: '0140000001' }],
  },
  {
    identifiant: 'FI-2000-0001',
    operatorCode: 'OPB2',
    offerCode: 'FTTH_PASSIF',
    codeInsee: '69123',
    gtrCode: 'GTR_4HO',
    extremites: [
      { type: 'PTO', reference: 'PTO-69123-000789', adresse: { lignes: ['20 place Bellecour'], codePostal: '69002', commune: 'Lyon', codeInsee: '69123' } },
      { type: 'PM', reference: 'PM-69123-0007' },
    ],
    informations: [{ code: 'PBO', valeur: 'PBO-69123-0007-01' }],
  },
];

/**
 * Loads the demo data set (idempotent): profiles, the two demo operators with the full profile
 * bound to their development client certificates, and their prestations.
 */
export async function loadDemoData(
  db: Database,
  certificates: Readonly<Record<string, { certPem: string }>>,
  now: Date,
): Promise<void> {
  const operators = new SqlOperatorRepository(db);
  for (const profile of PROFILES) await operators.upsertProfile(profile);
  for (const operator of DEMO_OPERATORS) {
    await operators.ensureOperator(operator);
    const certificate = certificates[operator.code];
    if (!certificate) continue;
    const info = describeCertificate(certificate.certPem);
    await operators.registerCertificate(
      {
        fingerprint256: info.fingerprint256,
        operatorCode: operator.code,
        profileName: 'TOUT',
        subject: info.subject,
        issuer: info.issuer,
        serialNumber: info.serialNumber,
        notBefore: info.notBefore,
        notAfter: info.notAfter,
        origin: 'FOURNISSEUR',
        delivery: 'DEMO',
        certPem: certificate.certPem,
      },
      now,
    );
  }
  for (const prestation of DEMO_PRESTATIONS) await upsertPrestation(db, prestation);
  await loadDemoTestsTravaux(db, now);
  await loadDemoRendezVousCapacity(db, now);
}

/** Weekly pattern lines: the same hours on each of the ISO weekdays given (1 = Monday). */
function weekly(
  codeInsee: string,
  type: TypeRendezVous,
  jours: number[],
  windows: Array<[debut: string, fin: string]>,
  dureeMinutes: number,
  techniciens: number,
): WorkingPattern[] {
  return jours.flatMap((jour) => windows.map(([debut, fin]) => ({ codeInsee, type, jour, debut, fin, dureeMinutes, techniciens, joursFeries: false })));
}

const WEEKDAYS = [1, 2, 3, 4, 5];

/**
 * Technician capacity of the demo prestations' communes (Paris 75056, Lyon 69123): SAV on
 * weekdays in 2-hour windows, SAV+ in extended hours (weekdays until 20:00 and Saturday
 * mornings), expertise contradictoire on two or one afternoons a week. No slot on public holidays.
 */
export const DEMO_RENDEZ_VOUS_PATTERNS: readonly WorkingPattern[] = [
  ...weekly('75056', 'SAV', WEEKDAYS, [['08:00', '12:00'], ['14:00', '18:00']], 120, 3),
  ...weekly('75056', 'SAV_PLUS', WEEKDAYS, [['08:00', '12:00'], ['14:00', '20:00']], 120, 1),
  ...weekly('75056', 'SAV_PLUS', [6], [['08:00', '12:00']], 120, 1),
  ...weekly('75056', 'EXPERTISE_CONTRADICTOIRE', [2, 4], [['14:00', '17:00']], 180, 1),
  ...weekly('69123', 'SAV', WEEKDAYS, [['08:00', '12:00'], ['13:30', '17:30']], 120, 2),
  ...weekly('69123', 'SAV_PLUS', WEEKDAYS, [['18:00', '20:00']], 120, 1),
  ...weekly('69123', 'SAV_PLUS', [6], [['09:00', '12:00']], 180, 1),
  ...weekly('69123', 'EXPERTISE_CONTRADICTOIRE', [3], [['09:00', '12:00']], 180, 1),
];

/** The communes the demo capacity is for (those of the demo prestations). */
export const DEMO_COMMUNES: readonly string[] = [...new Set(DEMO_RENDEZ_VOUS_PATTERNS.map((p) => p.codeInsee))];

/**
 * The demo working patterns (idempotent), and their slots generated from today (Europe/Paris,
 * at `now`) to the rolling horizon. Later days are generated as searches reach them and by the
 * scheduled horizon job. Only the demo communes are touched: on a database that holds a national
 * capacity (tens of thousands of zones) the start stays as quick as on a fresh one (decision 0029).
 */
export async function loadDemoRendezVousCapacity(db: Database, now: Date): Promise<void> {
  for (const p of DEMO_RENDEZ_VOUS_PATTERNS) {
    const problem = patternProblem(p);
    if (problem) throw new Error(`demo working pattern ${p.codeInsee}/${p.type}/${p.jour}: ${problem}`);
  }
  const capacity = new SqlCapacityRepository(db, frenchPublicHolidays());
  await capacity.upsertPatterns(DEMO_RENDEZ_VOUS_PATTERNS);
  const today = parisDayOf(now);
  for (const zone of DEMO_COMMUNES) await capacity.ensureSlots(zone, { from: today, to: addDays(today, DEFAULT_HORIZON_DAYS) });
}
