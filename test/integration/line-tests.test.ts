// TestService v1 end to end: real PostgreSQL, real mutual TLS, node-soap client built from the WSDL
// the gateway serves; the tests run on the gateway's own workers through the durable queue, against
// the deterministic network simulator (short latency).
import soap from 'soap';
import { soapFault } from '../support/faults.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { enteteTest, FAST_TESTS_ENV, pollResult } from '../support/line-tests.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

const mesures = (result: any): Record<string, string> =>
  Object.fromEntries([result.mesures?.mesure ?? []].flat().map((m: any) => [m.nom, m.valeur]));

describeDb('TestService v1 over mTLS', () => {
  let t: TestGateway;
  let opa: soap.Client;
  let opb: soap.Client;

  beforeAll(async () => {
    t = await startTestGateway({ env: FAST_TESTS_ENV });
    opa = await t.soapClient('OPA1', '/ws/v1/test');
    opa.addSoapHeader(enteteTest('OPA1'));
    opb = await t.soapClient('OPB2', '/ws/v1/test');
    opb.addSoapHeader(enteteTest('OPB2'));
  });
  afterAll(async () => {
    await t?.close();
  });

  test('the served WSDL describes the four operations', () => {
    const ops = Object.keys((opa.describe() as any).TestService.TestPort).sort();
    expect(ops).toEqual(['consulterResultatTest', 'consulterTravauxIncidents', 'demanderTest', 'listerTestsDisponibles']);
  });

  test('listerTestsDisponibles: the tests of an activated offer; passive offers 330; unknown or foreign prestation 300', async () => {
    const [ftth] = await opa.listerTestsDisponiblesAsync({ identifiantPrestation: 'FI-1000-0002' });
    expect(ftth.offre).toBe('FTTH_ACTIVE');
    expect(ftth.test.map((x: any) => x.typeTest)).toEqual(['ETAT_SYNCHRO', 'MESURE_OPTIQUE', 'ETAT_PORT', 'ETAT_SESSION', 'REINITIALISATION_PORT']);
    expect(ftth.test.find((x: any) => x.typeTest === 'REINITIALISATION_PORT').actionSurReseau).toBe(true);
    const [dsl] = await opa.listerTestsDisponiblesAsync({ identifiantPrestation: 'DSL-1000-0001' });
    expect(dsl.test.map((x: any) => x.typeTest)).toEqual(['ETAT_SYNCHRO', 'ETAT_PORT', 'ETAT_SESSION', 'REINITIALISATION_PORT']);
    const [ce2o] = await opa.listerTestsDisponiblesAsync({ identifiantPrestation: 'CE2O-1000-0001' });
    expect(ce2o.offre).toBe('CE2O');

    for (const passive of ['FI-1000-0001', '0140000001']) {
      const fault = await soapFault(opa.listerTestsDisponiblesAsync({ identifiantPrestation: passive }));
      expect(fault).toMatchObject({ code: 330, faultcode: 'soapenv:Client' });
    }
    expect((await soapFault(opa.listerTestsDisponiblesAsync({ identifiantPrestation: 'FI-9999-0001' }))).code).toBe(300);
    expect((await soapFault(opa.listerTestsDisponiblesAsync({ identifiantPrestation: 'FI-2000-0002' }))).code).toBe(300);
  });

  test.each([
    ['ETAT_SYNCHRO', 'synchronisation', 'OUI'],
    ['MESURE_OPTIQUE', 'puissanceRecueOnt', expect.stringMatching(/^-\d+(\.\d)?$/)],
    ['ETAT_PORT', 'etatOperationnel', 'UP'],
    ['ETAT_SESSION', 'sessionActive', 'OUI'],
    ['REINITIALISATION_PORT', 'reinitialisation', 'EFFECTUEE'],
  ])('%s on a healthy line: EN_ATTENTE at once, then TERMINE with verdict OK', async (typeTest, mesure, valeur) => {
    const [ack, , headers] = await opa.demanderTestAsync({ identifiantPrestation: 'FI-1000-0002', typeTest });
    expect(ack.idDemandeTest).toMatch(/^TST-\d{10}$/);
    expect(ack.statut).toBe('EN_ATTENTE');
    expect(headers.enteteReponse.idRequete).toBeDefined();

    const result = await pollResult(opa, ack.idDemandeTest);
    expect(result).toMatchObject({ idDemandeTest: ack.idDemandeTest, identifiantPrestation: 'FI-1000-0002', typeTest, statut: 'TERMINE', verdict: 'OK' });
    expect(result.localisationProbable).toBeUndefined();
    expect(mesures(result)[mesure]).toEqual(valeur);
    expect(new Date(result.dateFin).getTime()).toBeGreaterThanOrEqual(new Date(result.dateDemande).getTime());
  });

  test.each([
    ['FI-1000-0003', 'ETAT_SYNCHRO', 'INSTALLATION_CLIENT'],
    ['FI-1000-0003', 'MESURE_OPTIQUE', 'INSTALLATION_CLIENT'],
    ['FI-1000-0004', 'ETAT_SYNCHRO', 'RESEAU_FOURNISSEUR'],
    ['DSL-1000-0001', 'ETAT_PORT', 'RESEAU_FOURNISSEUR'],
  ])('%s %s: KO, probable location %s', async (identifiantPrestation, typeTest, localisation) => {
    const [ack] = await opa.demanderTestAsync({ identifiantPrestation, typeTest });
    const result = await pollResult(opa, ack.idDemandeTest);
    expect(result).toMatchObject({ statut: 'TERMINE', verdict: 'KO', localisationProbable: localisation });
    if (identifiantPrestation === 'FI-1000-0004') expect(mesures(result).alarmesReseau).toBe('INCIDENT DERCO-75056-0063-01');
  });

  test('a test the offer does not open → 330 naming typeTest; a type outside the contract → 101', async () => {
    const fault = await soapFault(opa.demanderTestAsync({ identifiantPrestation: 'DSL-1000-0001', typeTest: 'MESURE_OPTIQUE' }));
    expect(fault).toMatchObject({ code: 330, champ: 'typeTest' });
    expect((await soapFault(opa.demanderTestAsync({ identifiantPrestation: 'FI-1000-0001', typeTest: 'ETAT_PORT' }))).code).toBe(330);
    expect((await soapFault(opa.demanderTestAsync({ identifiantPrestation: 'FI-1000-0002', typeTest: 'TEST_IMAGINAIRE' }))).code).toBe(101);
    const rows = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM line_tests WHERE prestation_id = 'DSL-1000-0001' AND type_test = 'MESURE_OPTIQUE'");
    expect(rows[0]!.n).toBe(0);
  });

  test('an unknown idDemandeTest and another operator’s are the same 331', async () => {
    const [ack] = await opa.demanderTestAsync({ identifiantPrestation: 'FI-1000-0002', typeTest: 'ETAT_PORT' });
    const foreign = await soapFault(opb.consulterResultatTestAsync({ idDemandeTest: ack.idDemandeTest }));
    const unknown = await soapFault(opb.consulterResultatTestAsync({ idDemandeTest: 'TST-9999999999' }));
    expect(foreign).toMatchObject({ code: 331, champ: 'idDemandeTest' });
    expect(foreign.libelle.replace(ack.idDemandeTest, 'X')).toBe(unknown.libelle.replace('TST-9999999999', 'X'));
  });

  test('an unreachable network element: bounded attempts, then ECHEC with the reason', async () => {
    const [ack] = await opa.demanderTestAsync({ identifiantPrestation: 'FI-1000-0005', typeTest: 'ETAT_SYNCHRO' });
    const result = await pollResult(opa, ack.idDemandeTest);
    expect(result.statut).toBe('ECHEC');
    expect(result.verdict).toBeUndefined();
    expect(result.motifEchec).toMatch(/^Test non abouti après 3 tentatives : Équipement réseau .* injoignable/);
    const runs = await t.db.query<{ outcome: string }>(
      'SELECT r.outcome FROM line_test_runs r JOIN line_tests t ON t.id = r.test_id WHERE t.reference = $1 ORDER BY r.attempt',
      [ack.idDemandeTest],
    );
    expect(runs.map((r) => r.outcome)).toEqual(['ERREUR', 'ERREUR', 'ERREUR']);
  });

  test('the request and its job are stored together: one queued job per test request', async () => {
    const [ack] = await opa.demanderTestAsync({ identifiantPrestation: 'CE2O-1000-0001', typeTest: 'ETAT_PORT' });
    const rows = await t.db.query<{ id: number; job_id: string }>('SELECT id, job_id FROM line_tests WHERE reference = $1', [ack.idDemandeTest]);
    expect(rows).toHaveLength(1);
    expect(await t.gateway.lineTests.queue.job(rows[0]!.job_id)).toMatchObject({ id: rows[0]!.job_id, testId: rows[0]!.id });
    await pollResult(opa, ack.idDemandeTest);
  });

  test('a test asked for a signalisation is linked to it and listed in its detail', async () => {
    const sig = await t.soapClient('OPA1');
    sig.addSoapHeader(enteteRequete('OPA1'));
    const [deposit] = await sig.deposerSignalisationAsync(
      depositArgs({ offre: 'FTTH_ACTIVE', identifiantPrestation: 'FI-1000-0003', formulaire: { idFormulaire: 'FTTH_ACTIVE', version: 1 } }),
    );
    const [ack] = await opa.demanderTestAsync({
      identifiantPrestation: 'FI-1000-0003',
      typeTest: 'ETAT_SESSION',
      referenceSignalisation: deposit.referenceSignalisation,
    });
    const result = await pollResult(opa, ack.idDemandeTest);
    expect(result.referenceSignalisation).toBe(deposit.referenceSignalisation);

    const [detail] = await sig.consulterDetailSignalisationAsync({ referenceSignalisation: deposit.referenceSignalisation });
    expect([detail.signalisation.tests.test].flat()).toEqual([
      expect.objectContaining({ idDemandeTest: ack.idDemandeTest, typeTest: 'ETAT_SESSION', statut: 'TERMINE', verdict: 'KO' }),
    ]);

    expect((await soapFault(opa.demanderTestAsync({ identifiantPrestation: 'FI-1000-0003', typeTest: 'ETAT_PORT', referenceSignalisation: 'SIG-9999999999' }))).code).toBe(310);
    const otherLine = await soapFault(
      opa.demanderTestAsync({ identifiantPrestation: 'FI-1000-0002', typeTest: 'ETAT_PORT', referenceSignalisation: deposit.referenceSignalisation }),
    );
    expect(otherLine).toMatchObject({ code: 330, champ: 'referenceSignalisation' });
  });
});
