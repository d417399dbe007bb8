// The deposit through the portal (issue 13) on real PostgreSQL, through the use cases built as the
// gateway builds them (buildUseCases): the same rules as the web services, except the channel —
// an offer open to the web services only (FTTH, per the catalogue) is refused with 301 and an
// explanation, nothing stored; a CUIVRE_DEGROUPAGE deposit is accepted.
import { loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { postgresDatabase, type Database } from '../../src/adapters/postgres/db.js';
import { migrate } from '../../src/adapters/postgres/migrate.js';
import { loadDemoData } from '../../src/composition/demo-data.js';
import { buildRepositories } from '../../src/composition/repositories.js';
import { buildUseCases, type UseCases } from '../../src/composition/use-cases.js';
import { SettableClock } from '../../src/domain/clock.js';
import { EsavFault } from '../../src/domain/faults.js';
import { frenchPublicHolidays } from '../../src/domain/holidays.js';
import { inputOfFault, DEPOSIT_FORM_INPUTS, champInputName } from '../../src/domain/form-errors.js';
import type { DepositRequest } from '../../src/application/signalisation.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

describeDb('deposit through the portal', () => {
  let testDb: TestDatabase;
  let db: Database;
  let useCases: UseCases;
  const clock = new SettableClock(new Date('2026-11-27T10:00:00Z'));
  const caller = { operatorCode: 'OPA1' };

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = postgresDatabase(testDb.url, { max: 4 });
    await migrate(db);
    await loadDemoData(db, {}, clock.now());
    const calendar = frenchPublicHolidays();
    useCases = buildUseCases({
      repositories: buildRepositories(db, calendar, 'portal-deposit-test'),
      catalogue: loadCatalogue(CATALOG_DIR),
      clock,
      calendar,
      lineTestJobs: { enqueueInTransaction: async () => undefined, wake: () => undefined },
      dashboardDelayMs: 60_000,
    });
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  let sequence = 0;
  function request(overrides: Partial<DepositRequest>): DepositRequest {
    return {
      canal: 'PORTAIL',
      offre: 'CUIVRE_DEGROUPAGE',
      identifiantPrestation: '0140000001',
      formulaire: { idFormulaire: 'CUIVRE_DEGROUPAGE', version: 1 },
      defautDeclare: 'INTERRUPTION_TOTALE',
      impact: 'TOTAL',
      referenceInterneOC: `PORTAIL-${++sequence}`,
      contactSite: { nom: 'Mme Durand', telephone: '0612345678' },
      contactOC: { nom: 'Supervision OPA', telephone: '0100000000' },
      champs: [],
      ...overrides,
    };
  }

  async function count(): Promise<number> {
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM signalisations');
    return row!.n;
  }

  async function refusal(promise: Promise<unknown>): Promise<EsavFault> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EsavFault);
    return error as EsavFault;
  }

  test('a CUIVRE_DEGROUPAGE deposit through the portal is accepted, its history says so', async () => {
    const ack = await useCases.signalisation.deposit(caller, request({ champs: [{ code: 'NUMERO_DESIGNATION', valeur: '0140000001' }] }));
    expect(ack).toMatchObject({ etat: 'EN_DEPOT', created: true, garantie: { code: 'GTR_STANDARD' } });
    const detail = await useCases.signalisation.detail(caller, { referenceSignalisation: ack.referenceSignalisation });
    expect(detail.history.map((h) => h.motif)).toEqual(['Dépôt de la signalisation sur le portail']);
  });

  test('an FTTH deposit through the portal is refused (301, web services only), nothing stored; through WS it is accepted', async () => {
    const before = await count();
    const ftth = {
      offre: 'FTTH_PASSIF',
      identifiantPrestation: 'FI-1000-0001',
      formulaire: { idFormulaire: 'FTTH_PASSIF', version: 1 },
    };
    const fault = await refusal(useCases.signalisation.deposit(caller, request(ftth)));
    expect(fault).toMatchObject({ code: 301, champ: 'offre' });
    expect(fault.libelle).toMatch(/^La signalisation sur l'offre FTTH_PASSIF .* se fait uniquement par web services \(e-SAV intégré\) : elle ne peut pas être déposée sur le portail/);
    expect(inputOfFault(fault.champ, { inputs: DEPOSIT_FORM_INPUTS })).toBe('offre');
    expect(await count()).toBe(before);

    const ack = await useCases.signalisation.deposit(caller, request({ ...ftth, canal: 'WS' }));
    expect(ack.created).toBe(true);
    const detail = await useCases.signalisation.detail(caller, { referenceSignalisation: ack.referenceSignalisation });
    expect(detail.history.map((h) => h.motif)).toEqual(['Dépôt de la signalisation']);
  });

  test('the other rules are the web services\' ones (300, 302, 303, 304), shown on their inputs', async () => {
    const before = await count();
    const inputs = [...DEPOSIT_FORM_INPUTS, champInputName('NUMERO_DESIGNATION'), 'champs'];
    const cases: Array<[Partial<DepositRequest>, number, string]> = [
      [{ identifiantPrestation: 'FI-2000-0001' }, 300, 'identifiantPrestation'],
      [{ formulaire: { idFormulaire: 'CUIVRE_DEGROUPAGE', version: 9 } }, 302, 'formulaire'],
      [{ champs: [{ code: 'NUMERO_DESIGNATION', valeur: '12' }] }, 303, 'champ.NUMERO_DESIGNATION'],
      [{ defautDeclare: 'PANNE_IMAGINAIRE' }, 304, 'defautDeclare'],
      [{ localisationPresumee: 'PTO' }, 304, 'localisationPresumee'],
    ];
    for (const [overrides, code, input] of cases) {
      const fault = await refusal(useCases.signalisation.deposit(caller, request(overrides)));
      expect({ code: fault.code, input: inputOfFault(fault.champ, { inputs }) }).toEqual({ code, input });
    }
    expect(await count()).toBe(before);
  });

  test('the list filters the portal uses: state, offer, prestation, deposit period, paging', async () => {
    const all = await useCases.signalisation.list(caller, { etats: ['EN_DEPOT'] });
    expect(all.signalisations.length).toBeGreaterThanOrEqual(2);
    const cuivre = await useCases.signalisation.list(caller, { etats: ['EN_DEPOT'], offre: 'CUIVRE_DEGROUPAGE', identifiantPrestation: '0140000001' });
    expect(cuivre.signalisations.every((s) => s.offerCode === 'CUIVRE_DEGROUPAGE')).toBe(true);
    const none = await useCases.signalisation.list(caller, { etats: ['EN_DEPOT'], periode: { debut: new Date('2026-01-01T00:00:00Z'), fin: new Date('2026-02-01T00:00:00Z') } });
    expect(none.signalisations).toEqual([]);
    const first = await useCases.signalisation.list(caller, { etats: ['EN_DEPOT'], taille: 1 });
    expect(first.signalisations).toHaveLength(1);
    const second = await useCases.signalisation.list(caller, { etats: ['EN_DEPOT'], taille: 1, curseur: first.curseurSuivant! });
    expect(second.signalisations[0]!.id).not.toBe(first.signalisations[0]!.id);
  });
});
