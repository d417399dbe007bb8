// The answers of TestService v1 and of Interop'Fibre infoTravauxFTTH conform to the schemas the
// gateway publishes (validated with the same compiled libxml2 schemas as the requests), and so does
// a signalisation detail listing its linked tests.
import path from 'node:path';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import { INFO_TRAVAUX_NS } from '../../src/adapters/contracts/interop/info-travaux-conventions.js';
import { XSD_DIR } from '../../src/adapters/paths.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { enteteRequete, rawPost, startTestGateway, type TestGateway } from '../support/gateway.js';
import { enteteTest, FAST_TESTS_ENV, waitFor } from '../support/line-tests.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const TST = 'urn:esav:test:v1';

function children(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = e.firstChild; n; n = n.next) if (n instanceof XmlElement) out.push(n);
  return out;
}

function find(e: XmlElement, name: string): XmlElement | undefined {
  for (const c of children(e)) {
    if (c.name === name) return c;
    const found = find(c, name);
    if (found) return found;
  }
  return undefined;
}

describeDb('TestService and infoTravauxFTTH answers conform to the published schemas', () => {
  let t: TestGateway;
  const schemas: Record<string, CompiledSchema> = {};

  beforeAll(async () => {
    t = await startTestGateway({ env: FAST_TESTS_ENV });
    schemas.test = CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'test-v1.xsd'), XSD_DIR);
    schemas.sig = CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'signalisation-v1.xsd'), XSD_DIR);
    schemas.interop = CompiledSchema.compile(path.join(XSD_DIR, 'interop', 'infoTravauxFTTH.xsd'), XSD_DIR);
  });
  afterAll(async () => {
    for (const s of Object.values(schemas)) s.dispose();
    await t?.close();
  });

  /** Posts, expects HTTP 200, validates the header blocks and the payload; returns `read(payload)`. */
  async function call<T>(servicePath: string, schema: CompiledSchema, headerXml: string, payload: string, read: (answer: XmlElement) => T): Promise<T> {
    const body = `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header>${headerXml}</soapenv:Header><soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`;
    const response = await rawPost(`${t.url}${servicePath}`, t.tlsFor('OPA1'), body);
    expect(response.status).toBe(200);
    const doc = XmlDocument.fromString(response.body);
    try {
      const [header, envelopeBody] = children(doc.root);
      for (const block of children(header!)) schema.validateElement(block);
      const [answer] = children(envelopeBody!);
      schema.validateElement(answer!);
      return read(answer!);
    } finally {
      doc.dispose();
    }
  }

  /** A TestService call: `<t:operation xmlns:t="urn:esav:test:v1">…` */
  const test_ = (payload: string, read: (answer: XmlElement) => string = (a) => a.name) =>
    call('/ws/v1/test', schemas.test!, enteteTest('OPA1'), payload, read);

  test('every TestService answer, a finished test with measures included', async () => {
    expect(await test_(`<t:listerTestsDisponibles xmlns:t="${TST}"><t:identifiantPrestation>FI-1000-0002</t:identifiantPrestation></t:listerTestsDisponibles>`)).toBe(
      'listerTestsDisponiblesReponse',
    );
    for (const [prestation, typeTest] of [['FI-1000-0004', 'MESURE_OPTIQUE'], ['DSL-1000-0001', 'ETAT_SYNCHRO'], ['FI-1000-0005', 'ETAT_PORT']]) {
      const id = await test_(
        `<t:demanderTest xmlns:t="${TST}"><t:identifiantPrestation>${prestation}</t:identifiantPrestation><t:typeTest>${typeTest}</t:typeTest></t:demanderTest>`,
        (a) => find(a, 'idDemandeTest')!.content,
      );
      const statut = await waitFor(`${id} finished`, async () => {
        const s = await test_(`<t:consulterResultatTest xmlns:t="${TST}"><t:idDemandeTest>${id}</t:idDemandeTest></t:consulterResultatTest>`, (a) => find(a, 'statut')!.content);
        return s === 'TERMINE' || s === 'ECHEC' ? s : undefined;
      });
      expect(statut).toBe(prestation === 'FI-1000-0005' ? 'ECHEC' : 'TERMINE');
    }
    for (const query of [
      '<t:identifiantPrestation>FI-1000-0001</t:identifiantPrestation>',
      '<t:periode><t:debut>2020-01-01T00:00:00Z</t:debut><t:fin>2100-01-01T00:00:00Z</t:fin></t:periode>',
    ]) {
      expect(await test_(`<t:consulterTravauxIncidents xmlns:t="${TST}">${query}</t:consulterTravauxIncidents>`)).toBe('consulterTravauxIncidentsReponse');
    }
  });

  test('a signalisation detail with its linked tests', async () => {
    const sig = 'urn:esav:signalisation:v1';
    const id = await test_(
      `<t:demanderTest xmlns:t="${TST}"><t:identifiantPrestation>FI-1000-0003</t:identifiantPrestation><t:typeTest>ETAT_PORT</t:typeTest></t:demanderTest>`,
      (a) => find(a, 'idDemandeTest')!.content,
    );
    const deposit =
      `<s:deposerSignalisation xmlns:s="${sig}"><s:offre>FTTH_ACTIVE</s:offre><s:identifiantPrestation>FI-1000-0003</s:identifiantPrestation>` +
      '<s:formulaire><s:idFormulaire>FTTH_ACTIVE</s:idFormulaire><s:version>1</s:version></s:formulaire><s:defautDeclare>INTERRUPTION_TOTALE</s:defautDeclare>' +
      '<s:impact>TOTAL</s:impact><s:referenceInterneOC>CONF-TEST-1</s:referenceInterneOC><s:contactSite><s:nom>Mme Martin</s:nom><s:telephone>0612345678</s:telephone></s:contactSite>' +
      `<s:contactOC><s:nom>Supervision</s:nom><s:telephone>0100000000</s:telephone></s:contactOC><s:idDemandeTest>${id}</s:idDemandeTest></s:deposerSignalisation>`;
    const reference = await call('/ws/v1/signalisation', schemas.sig!, enteteRequete('OPA1'), deposit, (a) => find(a, 'referenceSignalisation')!.content);
    const tests = await call(
      '/ws/v1/signalisation',
      schemas.sig!,
      enteteRequete('OPA1'),
      `<s:consulterDetailSignalisation xmlns:s="${sig}"><s:referenceSignalisation>${reference}</s:referenceSignalisation></s:consulterDetailSignalisation>`,
      (a) => children(find(a, 'tests')!).map((x) => find(x, 'idDemandeTest')!.content),
    );
    expect(tests).toEqual([id]);
  });

  test('getInfoTravauxFTTH: unqualified children, attributes, every list', async () => {
    const header = `<it:InfoTravauxFTTHHeader xmlns:it="${INFO_TRAVAUX_NS}"><supplierID>300000007</supplierID><serviceProviderID>100000009</serviceProviderID></it:InfoTravauxFTTHHeader>`;
    const count = await call(
      '/ws/interop/infoTravauxFTTH',
      schemas.interop!,
      header,
      `<it:getInfoTravauxFTTHRequest xmlns:it="${INFO_TRAVAUX_NS}"/>`,
      (a) => {
        const list = find(a, 'listeTravaux')!;
        for (const child of children(list)) expect(child.namespaceUri).toBe('');
        return children(list).length;
      },
    );
    expect(count).toBe(3);
  });
});
