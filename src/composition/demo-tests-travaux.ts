// The demo data of e-SAV Test (called by loadDemoData): prestations of the activated offers whose
// lines the network simulator makes healthy, faulty on the customer's side, faulty on the network,
// near an open incident or unreachable; and planned works / incidents linked to the demo
// prestations by PM, PBO and NRA. Keep these identifiers stable: the docs and tests use them.
import type { ElementReseau } from '../domain/travaux.js';
import type { NewTravaux } from '../application/line-test-ports.js';
import type { Database } from '../adapters/postgres/db.js';
import { setSimulatedProfile, type SimulationProfile } from '../adapters/postgres/line-tests.js';
import { upsertPrestation, type PrestationSeed } from '../adapters/postgres/prestations.js';
import { SqlTravauxRepository } from '../adapters/postgres/travaux.js';

const paris = (lignes: string[], codePostal: string) => ({ lignes, codePostal, commune: 'Paris', codeInsee: '75056' });

/** The demo prestations of the activated offers (FTTH_ACTIVE, DSL_COLLECTE, CE2O) added for the tests. */
export const DEMO_TEST_PRESTATIONS: readonly PrestationSeed[] = [
  {
    identifiant: 'FI-1000-0003',
    operatorCode: 'OPA1',
    offerCode: 'FTTH_ACTIVE',
    codeInsee: '75056',
    gtrCode: 'GTR_10HO',
    extremites: [
      { type: 'PTO', reference: 'PTO-75056-000457', adresse: paris(['42 avenue de l’Opéra'], '75002') },
      { type: 'OLT', reference: 'OLT-PAR02-1/3/8' },
    ],
    informations: [{ code: 'PBO', valeur: 'PBO-75056-0051-03' }],
  },
  {
    identifiant: 'FI-1000-0004',
    operatorCode: 'OPA1',
    offerCode: 'FTTH_ACTIVE',
    codeInsee: '75056',
    gtrCode: 'GTR_10HO',
    extremites: [
      { type: 'PTO', reference: 'PTO-75056-000612', adresse: paris(['7 rue Louis-le-Grand'], '75002') },
      { type: 'PM', reference: 'PM-75056-0063' },
      { type: 'OLT', reference: 'OLT-PAR02-1/4/1' },
    ],
    informations: [{ code: 'PBO', valeur: 'PBO-75056-0063-01' }],
  },
  {
    identifiant: 'FI-1000-0005',
    operatorCode: 'OPA1',
    offerCode: 'FTTH_ACTIVE',
    codeInsee: '75056',
    gtrCode: 'GTR_STANDARD',
    extremites: [
      { type: 'PTO', reference: 'PTO-75056-000733', adresse: paris(['3 rue de Port-Mahon'], '75002') },
      { type: 'OLT', reference: 'OLT-PAR02-2/1/5' },
    ],
    informations: [{ code: 'PBO', valeur: 'PBO-75056-0070-04' }],
  },
  {
    identifiant: 'DSL-1000-0001',
    operatorCode: 'OPA1',
    offerCode: 'DSL_COLLECTE',
    codeInsee: '75056',
    gtrCode: 'GTR_STANDARD',
    extremites: [
      { type: 'SITE_CLIENT', adresse: paris(['9 boulevard des Capucines'], '75009') },
      { type: 'NRA', reference: 'NRA-75109' },
    ],
    informations: [{ code: 'NUMERO_DESIGNATION', valeur: '0140000011' }],
  },
  {
    identifiant: 'DSL-1000-0002',
    operatorCode: 'OPA1',
    offerCode: 'DSL_COLLECTE',
    codeInsee: '75056',
    gtrCode: 'GTR_STANDARD',
    extremites: [
      { type: 'SITE_CLIENT', adresse: paris(['11 boulevard des Capucines'], '75009') },
      { type: 'NRA', reference: 'NRA-75109' },
    ],
    informations: [{ code: 'NUMERO_DESIGNATION', valeur: '0140000012' }],
  },
  {
    identifiant: 'CE2O-1000-0001',
    operatorCode: 'OPA1',
    offerCode: 'CE2O',
    codeInsee: '75056',
    gtrCode: 'GTR_4HO',
    extremites: [
      { type: 'SITE_CLIENT', adresse: paris(['1 place de la Bourse'], '75002') },
      { type: 'PE', reference: 'PE-PAR-BOURSE-01' },
    ],
    informations: [{ code: 'VLAN', valeur: '1204' }],
  },
  {
    identifiant: 'FI-2000-0002',
    operatorCode: 'OPB2',
    offerCode: 'FTTH_ACTIVE',
    codeInsee: '69123',
    gtrCode: 'GTR_10HO',
    extremites: [
      { type: 'PTO', reference: 'PTO-69123-000790', adresse: { lignes: ['22 place Bellecour'], codePostal: '69002', commune: 'Lyon', codeInsee: '69123' } },
      { type: 'PM', reference: 'PM-69123-0007' },
    ],
    informations: [{ code: 'PBO', valeur: 'PBO-69123-0007-02' }],
  },
];

/** How each demo line behaves in the network simulator (a line without a profile is healthy). */
export const DEMO_SIMULATED_LINES: Readonly<Record<string, SimulationProfile>> = {
  'FI-1000-0002': 'SAIN',
  'FI-1000-0003': 'DEFAUT_CLIENT',
  // FI-1000-0004: healthy, but the open incident DERCO-75056-0063-01 on its PBO makes it KO.
  'FI-1000-0004': 'SAIN',
  'FI-1000-0005': 'INJOIGNABLE',
  'DSL-1000-0001': 'DEFAUT_RESEAU',
  'DSL-1000-0002': 'SAIN',
  'CE2O-1000-0001': 'SAIN',
  'FI-2000-0002': 'SAIN',
};

const HOUR = 3600_000;
const DAY = 24 * HOUR;

function demoTravaux(now: Date): Array<Omit<NewTravaux, 'at'> & { reference: string; closedDaysAgo?: number }> {
  const at = (ms: number) => new Date(now.getTime() + ms);
  const pm = (reference: string): ElementReseau => ({ type: 'PM', reference });
  return [
    {
      reference: 'TP-75056-0042-01',
      nature: 'TRAVAUX_PROGRAMMES',
      libelle: 'Remplacement du châssis optique du PM',
      equipement: 'PM',
      referencePm: 'PM-75056-0042',
      dateDebut: at(3 * DAY),
      dateFin: at(3 * DAY + 6 * HOUR),
      interventionRequiseOC: false,
      travauxCuratifs: false,
      natureIntervention: 'INGE',
      commentaire: 'Coupure des accès du PM pendant la fenêtre de travaux',
      contactOI: 'Supervision OI 01 00 00 00 00',
      perimetre: [pm('PM-75056-0042')],
    },
    {
      reference: 'TP-75056-0042-00',
      nature: 'TRAVAUX_PROGRAMMES',
      libelle: 'Brassage du PM (travaux terminés)',
      equipement: 'PM',
      referencePm: 'PM-75056-0042',
      dateDebut: at(-3 * DAY),
      dateFin: at(-3 * DAY + 4 * HOUR),
      interventionRequiseOC: false,
      perimetre: [pm('PM-75056-0042')],
      closedDaysAgo: 2,
    },
    {
      reference: 'DERCO-75056-0063-01',
      nature: 'INCIDENT',
      libelle: 'Câble de distribution sectionné en aval du PM',
      equipement: 'PBO',
      referencePm: 'PM-75056-0063',
      dateDebut: at(-2 * HOUR),
      interventionRequiseOC: false,
      travauxCuratifs: true,
      natureIntervention: 'DEPL',
      commentaire: 'Équipe de réparation sur place',
      perimetre: [{ type: 'PBO', reference: 'PBO-75056-0063-01' }],
    },
    {
      reference: 'TP-NRA-75109-01',
      nature: 'TRAVAUX_PROGRAMMES',
      libelle: 'Migration des équipements DSLAM du NRA',
      equipement: 'NRA',
      dateDebut: at(5 * DAY),
      dateFin: at(5 * DAY + 4 * HOUR),
      interventionRequiseOC: false,
      perimetre: [{ type: 'NRA', reference: 'NRA-75109' }],
    },
    {
      reference: 'TP-69123-0007-01',
      nature: 'TRAVAUX_PROGRAMMES',
      libelle: 'Renforcement de la colonne montante',
      equipement: 'PM',
      referencePm: 'PM-69123-0007',
      dateDebut: at(7 * DAY),
      dateFin: at(7 * DAY + 8 * HOUR),
      interventionRequiseOC: true,
      perimetre: [pm('PM-69123-0007')],
    },
  ];
}

/** Loads the tests-and-works demo data (idempotent: works already there are left as they are). */
export async function loadDemoTestsTravaux(db: Database, now: Date): Promise<void> {
  for (const prestation of DEMO_TEST_PRESTATIONS) await upsertPrestation(db, prestation);
  for (const [prestationId, profile] of Object.entries(DEMO_SIMULATED_LINES)) await setSimulatedProfile(db, prestationId, profile);
  const travaux = new SqlTravauxRepository(db);
  for (const { closedDaysAgo, ...t } of demoTravaux(now)) {
    // An incident is published when it starts; planned works a day before the earlier of now and their start.
    const publishedAt = t.nature === 'INCIDENT' ? t.dateDebut : new Date(Math.min(now.getTime(), t.dateDebut.getTime()) - DAY);
    const created = await travaux.insert({ ...t, at: publishedAt });
    if (created && closedDaysAgo !== undefined) {
      const closedAt = new Date(now.getTime() - closedDaysAgo * DAY);
      await travaux.update(t.reference, () => ({ etat: 'CLOTURE', changes: {}, closedAt }), closedAt);
    }
  }
}
