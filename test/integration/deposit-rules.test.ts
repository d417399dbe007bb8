// Deposit semantics over the real stack: idempotency (also under concurrency), isolation between
// operators, and the typed fault of every deposit rule — with nothing stored on a fault.
import { SettableClock } from '../../src/domain/clock.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { soapFault } from '../support/faults.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

describeDb('deposit rules', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function clientFor(code: string) {
    const client = await t.soapClient(code);
    client.addSoapHeader(enteteRequete(code));
    return client;
  }

  async function countSignalisations(): Promise<number> {
    const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM signalisations');
    return row!.n;
  }

  test('a retried deposit returns the first acknowledgement and creates nothing', async () => {
    const client = await clientFor('OPA1');
    const args = depositArgs();
    const [first] = await client.deposerSignalisationAsync(args);
    const before = await countSignalisations();
    const [second] = await client.deposerSignalisationAsync({ ...args, commentaire: undefined });
    expect(second.referenceSignalisation).toBe(first.referenceSignalisation);
    expect(second.dateHeurePriseEnCompte).toEqual(first.dateHeurePriseEnCompte);
    expect(second.etat).toBe('EN_DEPOT');
    expect(await countSignalisations()).toBe(before);
  });

  test('concurrent identical deposits store one signalisation with one history row', async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => clientFor('OPA1')));
    const args = depositArgs();
    const results = await Promise.all(
      clients.flatMap((c) => [c.deposerSignalisationAsync(args), c.deposerSignalisationAsync(args)]),
    );
    const references = new Set(results.map(([ack]) => ack.referenceSignalisation));
    expect(references.size).toBe(1);
    const rows = await t.db.query<{ n: number; h: number }>(
      `SELECT count(DISTINCT s.id)::int AS n, count(h.id)::int AS h
         FROM signalisations s JOIN signalisation_history h ON h.signalisation_id = s.id
        WHERE s.operator_code = 'OPA1' AND s.reference_interne_oc = $1`,
      [args.referenceInterneOC],
    );
    expect(rows[0]).toEqual({ n: 1, h: 1 });
  });

  test('the same referenceInterneOC used by two operators gives two signalisations', async () => {
    const opa = await clientFor('OPA1');
    const opb = await clientFor('OPB2');
    const reference = `SHARED-${Date.now()}`;
    const [a] = await opa.deposerSignalisationAsync(depositArgs({ referenceInterneOC: reference }));
    const [b] = await opb.deposerSignalisationAsync(depositArgs({ referenceInterneOC: reference, identifiantPrestation: 'FI-2000-0001' }));
    expect(a.referenceSignalisation).not.toBe(b.referenceSignalisation);
  });

  test("another operator's prestation answers exactly like an unknown one (300)", async () => {
    const client = await clientFor('OPA1');
    const others = await soapFault(client.deposerSignalisationAsync(depositArgs({ identifiantPrestation: 'FI-2000-0001', referenceInterneOC: 'ISO-1' })));
    const unknown = await soapFault(client.deposerSignalisationAsync(depositArgs({ identifiantPrestation: 'FI-9999-0001', referenceInterneOC: 'ISO-1' })));
    expect(others.code).toBe(300);
    expect(unknown.code).toBe(300);
    // Same text but for the identifier itself: nothing tells that FI-2000-0001 exists elsewhere.
    expect(others.libelle.replace('FI-2000-0001', 'X')).toBe(unknown.libelle.replace('FI-9999-0001', 'X'));
    expect(others.champ).toBe(unknown.champ);
  });

  test("another operator's signalisation is unknown (310) to state and detail, by either reference", async () => {
    const opa = await clientFor('OPA1');
    const opb = await clientFor('OPB2');
    const args = depositArgs();
    const [ack] = await opa.deposerSignalisationAsync(args);
    for (const key of [{ referenceSignalisation: ack.referenceSignalisation }, { referenceInterneOC: args.referenceInterneOC }]) {
      expect((await soapFault(opb.consulterEtatSignalisationAsync(key))).code).toBe(310);
      expect((await soapFault(opb.consulterDetailSignalisationAsync(key))).code).toBe(310);
    }
    expect((await soapFault(opa.consulterEtatSignalisationAsync({ referenceSignalisation: 'SIG-9999999999' }))).code).toBe(310);
  });

  test.each([
    { name: 'unknown offer', overrides: { offre: 'OFFRE_INCONNUE' }, code: 301, champ: 'offre' },
    {
      name: 'prestation of another offer',
      overrides: { offre: 'FTTH_ACTIVE', formulaire: { idFormulaire: 'FTTH_ACTIVE', version: 1 } },
      code: 300,
      champ: 'identifiantPrestation',
    },
    { name: 'unknown form version', overrides: { formulaire: { idFormulaire: 'FTTH_PASSIF', version: 9 } }, code: 302, champ: 'formulaire' },
    { name: "another offer's form", overrides: { formulaire: { idFormulaire: 'LFO', version: 1 } }, code: 302, champ: 'formulaire' },
    {
      name: 'unknown form field',
      overrides: { champs: { champ: [{ code: 'CHAMP_INCONNU', valeur: 'x' }] } },
      code: 303,
      champ: 'champs/champ[code=CHAMP_INCONNU]',
    },
    { name: 'defect outside the nomenclature', overrides: { defautDeclare: 'PANNE_IMAGINAIRE' }, code: 304, champ: 'defautDeclare' },
    { name: 'location outside the nomenclature', overrides: { localisationPresumee: 'DSLAM' }, code: 304, champ: 'localisationPresumee' },
    {
      name: 'schema: bad phone number',
      overrides: { contactSite: { nom: 'X', telephone: 'abc' } },
      code: 101,
      champ: 'deposerSignalisation/contactSite/telephone',
    },
    { name: 'schema: comment over 2000 characters', overrides: { commentaire: 'x'.repeat(2001) }, code: 101, champ: 'deposerSignalisation/commentaire' },
  ])('$name → fault $code, nothing stored', async ({ overrides, code, champ }) => {
    const client = await clientFor('OPA1');
    const before = await countSignalisations();
    const fault = await soapFault(client.deposerSignalisationAsync(depositArgs(overrides)));
    expect(fault.code).toBe(code);
    expect(fault.champ).toBe(champ);
    expect(fault.faultcode).toBe('soapenv:Client');
    expect(await countSignalisations()).toBe(before);
  });

  test('an offer before its set-up date → 301', async () => {
    const clock = new SettableClock('2019-01-15T10:00:00+01:00');
    const early = await startTestGateway({ clock });
    try {
      const client = await early.soapClient('OPA1');
      client.addSoapHeader(enteteRequete('OPA1'));
      const fault = await soapFault(client.deposerSignalisationAsync(depositArgs()));
      expect(fault.code).toBe(301);
      expect(fault.libelle).toContain('2019-02-01');
    } finally {
      await early.close();
    }
  });
});
