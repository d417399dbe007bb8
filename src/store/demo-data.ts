// The demo data set used by the embedded default, the docs, the tests and the conformance kit.
// Keep these identifiers stable: operators and integration teams rely on them.
import { describeCertificate } from '../pki/certificates.js';
import type { Database } from './db.js';
import { SqlOperatorRepository, type ProfileSeed } from './operators.js';
import { upsertPrestation, type PrestationSeed } from './prestations.js';

/** The profiles of spec §3; '*' grants every operation. Later capabilities add their operations. */
export const PROFILES: readonly ProfileSeed[] = [
  {
    name: 'SIGNALISATION_LECTURE',
    libelle: 'Signalisation en lecture seule',
    operations: ['consulterCatalogue', 'consulterEtatSignalisation', 'consulterDetailSignalisation', 'listerSignalisations', 'consulterHistorique'],
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
    ],
  },
  {
    name: 'TEST',
    libelle: 'Tests de ligne, travaux et incidents',
    operations: ['listerTestsDisponibles', 'demanderTest', 'consulterResultatTest', 'consulterTravauxIncidents', 'getInfoTravauxFTTH'],
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
    ],
  },
  { name: 'TOUT', libelle: 'Toutes les opérations', operations: ['*'] },
];

export const DEMO_OPERATORS = [
  { code: 'OPA1', siret: '10000000900017', raisonSociale: 'Opérateur A (démo)', platform: 'integration' as const },
  { code: 'OPB2', siret: '20000000800017', raisonSociale: 'Opérateur B (démo)', platform: 'integration' as const },
];

export const DEMO_OPERATOR_CODES = DEMO_OPERATORS.map((o) => o.code);

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
      { code: 'NUMERO_SERIE_ONT', valeur: 'ONT0000A1B2C3' },
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
      },
      now,
    );
  }
  for (const prestation of DEMO_PRESTATIONS) await upsertPrestation(db, prestation);
}
