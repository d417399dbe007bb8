// The prior-test rule of the deposit (spec §2.5, fault 305) over the real stack, at its time
// boundary with the injected business clock: DSL_COLLECTE (catalogue: testPrealableRequis, 48 h)
// needs the idDemandeTest of a TERMINE KO test on the same line less than 48 hours old.
import { SettableClock } from '../../src/domain/clock.js';
import { soapFault } from '../support/faults.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { enteteTest, FAST_TESTS_ENV, pollResult } from '../support/line-tests.js';
import { describeWithPostgres } from '../support/postgres.js';
import type soap from 'soap';

const describeDb = await describeWithPostgres();
const HOUR = 3600_000;
const T0 = '2026-03-02T10:00:00+01:00';

describeDb('prior test before a deposit (305)', () => {
  let t: TestGateway;
  let tests: soap.Client;
  let sig: soap.Client;
  const clock = new SettableClock(T0);

  const dsl = (overrides: Record<string, unknown> = {}) =>
    depositArgs({
      offre: 'DSL_COLLECTE',
      identifiantPrestation: 'DSL-1000-0001',
      formulaire: { idFormulaire: 'DSL_COLLECTE', version: 1 },
      defautDeclare: 'PERTE_SYNCHRO',
      ...overrides,
    });

  /** A finished test, its result dated by the business clock at that moment. */
  async function finishedTest(identifiantPrestation: string, typeTest = 'ETAT_SYNCHRO'): Promise<any> {
    const [ack] = await tests.demanderTestAsync({ identifiantPrestation, typeTest });
    return pollResult(tests, ack.idDemandeTest);
  }

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: FAST_TESTS_ENV });
    tests = await t.soapClient('OPA1', '/ws/v1/test');
    tests.addSoapHeader(enteteTest('OPA1'));
    sig = await t.soapClient('OPA1');
    sig.addSoapHeader(enteteRequete('OPA1'));
  });
  afterAll(async () => {
    await t?.close();
  });

  test('the catalogue publishes the requirement', async () => {
    const [catalogue] = await sig.consulterCatalogueAsync({ offre: 'DSL_COLLECTE' });
    expect([catalogue.offre].flat()[0].tests).toMatchObject({ testPrealableRequis: true, validiteTestPrealableHeures: 48 });
  });

  test('at the boundary: accepted 1 s before 48 h, refused at 48 h exactly; the test is linked to the ticket', async () => {
    clock.set(T0);
    const ko = await finishedTest('DSL-1000-0001');
    expect(ko).toMatchObject({ statut: 'TERMINE', verdict: 'KO' });
    const resultAt = new Date(ko.dateFin).getTime();
    expect(resultAt).toBe(new Date(T0).getTime());

    clock.set(new Date(resultAt + 48 * HOUR));
    const tooOld = await soapFault(sig.deposerSignalisationAsync(dsl({ idDemandeTest: ko.idDemandeTest })));
    expect(tooOld).toMatchObject({ code: 305, champ: 'idDemandeTest', faultcode: 'soapenv:Client' });
    expect(tooOld.libelle).toContain('trop ancien');

    clock.set(new Date(resultAt + 48 * HOUR - 1000));
    const args = dsl({ idDemandeTest: ko.idDemandeTest });
    const [ack] = await sig.deposerSignalisationAsync(args);
    expect(ack.etat).toBe('EN_DEPOT');

    const [detail] = await sig.consulterDetailSignalisationAsync({ referenceSignalisation: ack.referenceSignalisation });
    expect([detail.signalisation.tests.test].flat()).toEqual([
      expect.objectContaining({ idDemandeTest: ko.idDemandeTest, typeTest: 'ETAT_SYNCHRO', statut: 'TERMINE', verdict: 'KO' }),
    ]);
    const [result] = await tests.consulterResultatTestAsync({ idDemandeTest: ko.idDemandeTest });
    expect(result.referenceSignalisation).toBe(ack.referenceSignalisation);

    // A retry later (the test now too old) replays the acknowledgement: checks are not run again.
    clock.set(new Date(resultAt + 72 * HOUR));
    const [again] = await sig.deposerSignalisationAsync(args);
    expect(again.referenceSignalisation).toBe(ack.referenceSignalisation);
  });

  test.each([
    ['no idDemandeTest', 'DSL-1000-0001', async () => undefined, 'absent'],
    ['an unknown test', 'DSL-1000-0001', async () => 'TST-9999999999', 'inconnu'],
    ['an OK test', 'DSL-1000-0002', async () => (await finishedTest('DSL-1000-0002')).idDemandeTest, 'verdict OK'],
    ['a KO test of another line', 'DSL-1000-0001', async () => (await finishedTest('FI-1000-0003')).idDemandeTest, 'inconnu sur la prestation'],
  ])('%s → 305, nothing stored', async (_name, identifiantPrestation, idOf, reason) => {
    clock.set(T0);
    const idDemandeTest = await idOf();
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM signalisations'))[0]!.n;
    const fault = await soapFault(sig.deposerSignalisationAsync(dsl({ identifiantPrestation, ...(idDemandeTest ? { idDemandeTest } : {}) })));
    expect(fault).toMatchObject({ code: 305, champ: 'idDemandeTest' });
    expect(fault.libelle).toContain(reason);
    const after = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM signalisations'))[0]!.n;
    expect(after).toBe(before);
  });

  test('a test without its result yet is no prior test', async () => {
    clock.set(T0);
    // A request still waiting for a worker (stored as the service stores it, without a job).
    const [row] = await t.db.query<{ reference: string }>(
      `INSERT INTO line_tests (operator_code, prestation_id, offer_code, type_test, statut, requested_at, job_id)
       VALUES ('OPA1', 'DSL-1000-0001', 'DSL_COLLECTE', 'ETAT_SYNCHRO', 'EN_ATTENTE', $1, gen_random_uuid()) RETURNING reference`,
      [new Date(T0)],
    );
    const fault = await soapFault(sig.deposerSignalisationAsync(dsl({ idDemandeTest: row!.reference })));
    expect(fault).toMatchObject({ code: 305, champ: 'idDemandeTest' });
    expect(fault.libelle).toContain('sans résultat (statut EN_ATTENTE)');
  });

  test('an offer without the requirement accepts no test, or one of the caller’s tests on the line; another is 331', async () => {
    clock.set(T0);
    const ftth = (overrides: Record<string, unknown>) =>
      depositArgs({ offre: 'FTTH_ACTIVE', identifiantPrestation: 'FI-1000-0003', formulaire: { idFormulaire: 'FTTH_ACTIVE', version: 1 }, ...overrides });
    const [plain] = await sig.deposerSignalisationAsync(ftth({}));
    expect(plain.etat).toBe('EN_DEPOT');
    const own = await finishedTest('FI-1000-0003', 'ETAT_PORT');
    const [linked] = await sig.deposerSignalisationAsync(ftth({ idDemandeTest: own.idDemandeTest }));
    const [detail] = await sig.consulterDetailSignalisationAsync({ referenceSignalisation: linked.referenceSignalisation });
    expect([detail.signalisation.tests.test].flat().map((x: any) => x.idDemandeTest)).toEqual([own.idDemandeTest]);
    expect((await soapFault(sig.deposerSignalisationAsync(ftth({ idDemandeTest: 'TST-9999999999' })))).code).toBe(331);
  });
});
