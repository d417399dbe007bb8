// SignalisationService v1 end to end: real PostgreSQL, real mutual TLS, node-soap client built
// from the WSDL the gateway serves.
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

describeDb('SignalisationService v1 over mTLS', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function clientFor(code: string, correlation?: string) {
    const client = await t.soapClient(code);
    client.addSoapHeader(enteteRequete(code, correlation ? { idCorrelation: correlation } : {}));
    return client;
  }

  test('deposit → state → detail', async () => {
    const client = await clientFor('OPA1', 'corr-123');
    const args = depositArgs({ commentaire: 'Plus de synchro depuis ce matin', localisationPresumee: 'PTO' });
    const [ack, , responseHeaders] = await client.deposerSignalisationAsync(args);
    expect(ack.referenceSignalisation).toMatch(/^SIG-\d{10}$/);
    expect(ack.etat).toBe('EN_DEPOT');
    expect(ack.garantie.code).toBe('GTR_STANDARD');
    expect(ack.dateHeurePriseEnCompte).toBeDefined();
    expect(responseHeaders.enteteReponse.idCorrelation).toBe('corr-123');
    expect(responseHeaders.enteteReponse.idRequete).toMatch(/^[0-9a-f-]{36}$/);

    const [state] = await client.consulterEtatSignalisationAsync({ referenceSignalisation: ack.referenceSignalisation });
    expect(state).toMatchObject({ referenceSignalisation: ack.referenceSignalisation, referenceInterneOC: args.referenceInterneOC, etat: 'EN_DEPOT' });

    const [byOperatorRef] = await client.consulterEtatSignalisationAsync({ referenceInterneOC: args.referenceInterneOC });
    expect(byOperatorRef.referenceSignalisation).toBe(ack.referenceSignalisation);

    const [detail] = await client.consulterDetailSignalisationAsync({ referenceSignalisation: ack.referenceSignalisation });
    const s = detail.signalisation;
    expect(s.referenceSignalisation).toBe(ack.referenceSignalisation);
    expect(s.prestation.identifiantPrestation).toBe('FI-1000-0001');
    expect(s.prestation.codeInsee).toBe('75056');
    expect(s.defautDeclare).toBe('INTERRUPTION_TOTALE');
    expect(s.localisationPresumee).toBe('PTO');
    expect(s.commentaire).toBe('Plus de synchro depuis ce matin');
    expect(s.contactOC.email).toBe('sav@opa.example');
    const history = [s.historique.changementEtat].flat();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ etat: 'EN_DEPOT', acteur: 'OPERATEUR' });
  });
});
