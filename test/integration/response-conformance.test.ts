// Every response the gateway writes conforms to its own published schema: the enteteReponse
// header and each operation's response payload are validated with the compiled XSD (the same
// libxml2 validator the gateway uses on requests).
import path from 'node:path';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import { XSD_DIR } from '../../src/adapters/paths.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { enteteRequete, rawPost, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

function envelope(payload: string): string {
  return `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header>${enteteRequete('OPA1', { idCorrelation: 'conf-1' })}</soapenv:Header><soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`;
}

function children(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = e.firstChild; n; n = n.next) if (n instanceof XmlElement) out.push(n);
  return out;
}

describeDb('responses conform to the published schema', () => {
  let t: TestGateway;
  let schema: CompiledSchema;
  beforeAll(async () => {
    t = await startTestGateway();
    schema = CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'signalisation-v1.xsd'), XSD_DIR);
  });
  afterAll(async () => {
    schema?.dispose();
    await t?.close();
  });

  /** Posts, checks HTTP 200 and validates header and payload; returns the payload's local name. */
  async function callAndValidate(payload: string): Promise<string> {
    const response = await rawPost(`${t.url}/ws/v1/signalisation`, t.tlsFor('OPA1'), envelope(payload));
    expect(response.status).toBe(200);
    const doc = XmlDocument.fromString(response.body);
    try {
      expect(doc.root.namespaceUri).toBe(SOAP11);
      const [header, body] = children(doc.root);
      const [entete] = children(header!);
      const [answer] = children(body!);
      schema.validateElement(entete!);
      schema.validateElement(answer!);
      expect(children(entete!).find((e) => e.name === 'idCorrelation')?.content).toBe('conf-1');
      return answer!.name;
    } finally {
      doc.dispose();
    }
  }

  test('deposit, state and full detail (with optional fields, comments and history)', async () => {
    const deposit =
      '<s:deposerSignalisation xmlns:s="urn:esav:signalisation:v1"><s:offre>FTTH_PASSIF</s:offre><s:identifiantPrestation>FI-1000-0001</s:identifiantPrestation>' +
      '<s:formulaire><s:idFormulaire>FTTH_PASSIF</s:idFormulaire><s:version>1</s:version></s:formulaire><s:defautDeclare>INTERRUPTION_TOTALE</s:defautDeclare>' +
      '<s:impact>DEGRADE</s:impact><s:dateDebutDefaut>2026-11-26T21:00:00+01:00</s:dateDebutDefaut><s:localisationPresumee>PBO</s:localisationPresumee>' +
      '<s:referenceInterneOC>CONF-1</s:referenceInterneOC><s:contactSite><s:nom>Mme Martin &amp; fils</s:nom><s:telephone>+33 6 12 34 56 78</s:telephone></s:contactSite>' +
      '<s:contactOC><s:nom>NOC</s:nom><s:telephone>0100000000</s:telephone><s:email>noc@op.example</s:email></s:contactOC>' +
      '<s:accesSite><s:horaires>8h-12h</s:horaires><s:informations>Code porte 1234 &lt;B&gt;</s:informations></s:accesSite>' +
      '<s:commentaire>Lien coupé</s:commentaire><s:champs><s:champ><s:code>REF_PTO</s:code><s:valeur>PTO-75056-000123</s:valeur></s:champ></s:champs>' +
      '</s:deposerSignalisation>';
    expect(await callAndValidate(deposit)).toBe('deposerSignalisationReponse');
    const [row] = await t.db.query<{ id: number }>("SELECT id FROM signalisations WHERE reference_interne_oc = 'CONF-1'");
    await t.db.query("INSERT INTO signalisation_comments (signalisation_id, at, author, texte) VALUES ($1, now(), 'SAV', 'Technicien prévu')", [row!.id]);
    expect(await callAndValidate('<s:consulterEtatSignalisation xmlns:s="urn:esav:signalisation:v1"><s:referenceInterneOC>CONF-1</s:referenceInterneOC></s:consulterEtatSignalisation>')).toBe(
      'consulterEtatSignalisationReponse',
    );
    expect(await callAndValidate('<s:consulterDetailSignalisation xmlns:s="urn:esav:signalisation:v1"><s:referenceInterneOC>CONF-1</s:referenceInterneOC></s:consulterDetailSignalisation>')).toBe(
      'consulterDetailSignalisationReponse',
    );
  });

  test('list, history and completion responses', async () => {
    const sig = 'xmlns:s="urn:esav:signalisation:v1"';
    expect(await callAndValidate(`<s:listerSignalisations ${sig}><s:etat>EN_DEPOT</s:etat><s:taille>1</s:taille></s:listerSignalisations>`)).toBe(
      'listerSignalisationsReponse',
    );
    const now = Date.now();
    const periode = `<s:periode><s:debut>${new Date(now - 86_400_000).toISOString()}</s:debut><s:fin>${new Date(now + 86_400_000).toISOString()}</s:fin></s:periode>`;
    expect(await callAndValidate(`<s:consulterHistorique ${sig}>${periode}</s:consulterHistorique>`)).toBe('consulterHistoriqueReponse');
    expect(
      await callAndValidate(`<s:completerSignalisation ${sig}><s:referenceInterneOC>CONF-1</s:referenceInterneOC><s:commentaire>Précision</s:commentaire></s:completerSignalisation>`),
    ).toBe('completerSignalisationReponse');
    expect(await callAndValidate(`<s:consulterCatalogue ${sig}><s:offre>FTTH_PASSIF</s:offre></s:consulterCatalogue>`)).toBe('consulterCatalogueReponse');
  });

  test('the history is append-only in the database itself', async () => {
    await expect(t.db.query('UPDATE signalisation_history SET motif = $1', ['x'])).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM signalisation_history')).rejects.toThrow(/append-only/);
    await expect(t.db.query('TRUNCATE signalisation_history CASCADE')).rejects.toThrow(/append-only/);
  });
});
