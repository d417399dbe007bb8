// Interop'Fibre infoTravauxFTTH (getInfoTravauxFTTH) at /ws/interop/infoTravauxFTTH, called by a
// node-soap client built from the project's own WSDL as the gateway serves it: FTTH works and
// collective faults (TP/DERCO) of the caller's FTTH prestations, the criteria, the
// InfoTravauxFTTHHeader rules and the infoFtthError fault. The project's WSDL references the header
// element by its qualified name, correcting the published WSDL (reference copy in ../shared/interop/).
import fs from 'node:fs';
import path from 'node:path';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import soap from 'soap';
import { SettableClock } from '../../src/domain/clock.js';
import { INFO_TRAVAUX_NS } from '../../src/adapters/contracts/interop/info-travaux-conventions.js';
import { WSDL_DIR } from '../../src/adapters/paths.js';
import { startTestGateway, rawPost, type TestGateway } from '../support/gateway.js';
import { FAST_TESTS_ENV } from '../support/line-tests.js';
import { describeWithPostgres } from '../support/postgres.js';
import { publishedWsdl } from '../support/published-wsdl.js';

const describeDb = await describeWithPostgres();
const DAY = 24 * 3600_000;
const T0 = new Date('2026-03-02T10:00:00+01:00');
const PROVIDER_SIREN = '300000007';
const OPA1_SIREN = '100000009';
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const PUBLISHED_WSDL = publishedWsdl('infoTravauxFTTH.wsdl');

function header(serviceProviderID: string, supplierID = PROVIDER_SIREN): string {
  return (
    `<it:InfoTravauxFTTHHeader xmlns:it="${INFO_TRAVAUX_NS}">` +
    `<supplierID>${supplierID}</supplierID><serviceProviderID>${serviceProviderID}</serviceProviderID>` +
    '</it:InfoTravauxFTTHHeader>'
  );
}

/** The namespace and local name the header part of a WSDL references (its element="prefix:name" resolved). */
function headerPartReference(wsdlText: string): { namespace: string | null; local: string } {
  const doc = XmlDocument.fromString(wsdlText);
  try {
    const walk = (e: XmlElement): XmlElement | undefined => {
      if (e.name === 'message' && e.namespaceUri === WSDL_NS && e.attr('name')?.value === 'InfoTravauxFTTHHeader') return e;
      for (let n = e.firstChild; n; n = n.next) {
        if (n instanceof XmlElement) {
          const found = walk(n);
          if (found) return found;
        }
      }
      return undefined;
    };
    const message = walk(doc.root);
    let part: XmlElement | undefined;
    for (let n = message?.firstChild; n; n = n.next) if (n instanceof XmlElement && n.name === 'part') part = n;
    const qname = part?.attr('element')?.value ?? '';
    const [prefix, local] = qname.includes(':') ? qname.split(':') : [null, qname];
    // An unprefixed QName in an attribute takes the default namespace, and this document declares none.
    const namespace = prefix === null ? null : (part!.namespaces[prefix!] ?? null);
    return { namespace, local: local! };
  } finally {
    doc.dispose();
  }
}

const listOf = (result: any): any[] => [result?.listeTravaux?.travaux ?? []].flat();
const refsOf = (result: any): string[] => listOf(result).map((t) => t.attributes.reference);

describeDb("Interop'Fibre infoTravauxFTTH over mTLS", () => {
  let t: TestGateway;
  let client: soap.Client;
  const clock = new SettableClock(T0);

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: FAST_TESTS_ENV });
    client = await t.soapClient('OPA1', '/ws/interop/infoTravauxFTTH');
    client.addSoapHeader(header(OPA1_SIREN));
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set(T0));

  test('our WSDL references the header element by its qualified name (the published one does not)', () => {
    const ours = headerPartReference(fs.readFileSync(path.join(WSDL_DIR, 'interop', 'infoTravauxFTTH.wsdl'), 'utf8'));
    expect(ours).toEqual({ namespace: INFO_TRAVAUX_NS, local: 'InfoTravauxFTTHHeader' });
    if (PUBLISHED_WSDL) {
      // The published defect: element="InfoTravauxFTTHHeader" without prefix → no namespace.
      expect(headerPartReference(fs.readFileSync(PUBLISHED_WSDL, 'utf8'))).toEqual({ namespace: null, local: 'InfoTravauxFTTHHeader' });
    }
    const served = Object.keys((client.describe() as any).getInfoTravauxFTTHService.getInfoTravauxFTTHPort);
    expect(served).toEqual(['getInfoTravauxFTTH']);
  });

  test('the FTTH works and collective faults of the caller’s FTTH prestations (not copper, not another operator’s)', async () => {
    const [result] = await client.getInfoTravauxFTTHAsync({});
    expect(refsOf(result).sort()).toEqual(['DERCO-75056-0063-01', 'TP-75056-0042-00', 'TP-75056-0042-01']);
    const tp = listOf(result).find((x) => x.attributes.reference === 'TP-75056-0042-01');
    expect(tp.attributes.serviceProviderID).toBe(OPA1_SIREN);
    expect(tp).toMatchObject({
      type: 'TP',
      equipementConcerne: 'PM',
      referencePm: 'PM-75056-0042',
      referencePrestationPm: 'OPA1-PM-75056-0042',
      interventionRequiseOC: 'NON',
      etat: 'NOUVEAU',
      natureIntervention: 'INGE',
      travauxCuratifs: 'NON',
      referencePriseImpactees: { prise: ['PTO-75056-000123'] },
      referencePrestationPriseImpactees: { prestation: ['FI-1000-0001'] },
    });
    const derco = listOf(result).find((x) => x.attributes.reference === 'DERCO-75056-0063-01');
    expect(derco).toMatchObject({ type: 'DERCO', equipementConcerne: 'PBO', referencePBO: { PBO: ['PBO-75056-0063-01'] }, etat: 'NOUVEAU' });
    expect(derco.dateFinTravaux).toBeUndefined();
  });

  test.each([
    ['type', { type: 'DERCO' }, ['DERCO-75056-0063-01']],
    ['etat', { etat: 'CLOTURE' }, ['TP-75056-0042-00']],
    ['referenceTPDERCO', { referenceTPDERCO: 'TP-75056-0042-01' }, ['TP-75056-0042-01']],
    ['referencePrestationPm', { referencePrestationPm: { prestationPm: ['OPA1-PM-75056-0063'] } }, ['DERCO-75056-0063-01']],
    ['referencePriseImpactee', { referencePriseImpactee: 'PTO-75056-000612' }, ['DERCO-75056-0063-01']],
    ['referencePrestationPriseImpactee', { referencePrestationPriseImpactee: 'FI-1000-0001' }, ['TP-75056-0042-00', 'TP-75056-0042-01']],
    [
      'dateDebutTravaux',
      { dateDebutTravaux: { dateDebutRecherche: new Date(T0.getTime() + DAY).toISOString(), dateFinRecherche: new Date(T0.getTime() + 4 * DAY).toISOString() } },
      ['TP-75056-0042-01'],
    ],
    ['interventionRequiseOC', { interventionRequiseOC: 'OUI' }, []],
  ])('criterion %s', async (_name, criteria, expected) => {
    const [result] = await client.getInfoTravauxFTTHAsync(criteria);
    expect(refsOf(result).sort()).toEqual(expected);
  });

  test('a closed work is published 8 days after its closure, then no more', async () => {
    clock.set(new Date(T0.getTime() + 7 * DAY));
    expect(refsOf((await client.getInfoTravauxFTTHAsync({ etat: 'CLOTURE' }))[0])).toEqual([]);
    clock.set(new Date(T0.getTime() + 5 * DAY));
    expect(refsOf((await client.getInfoTravauxFTTHAsync({ etat: 'CLOTURE' }))[0])).toEqual(['TP-75056-0042-00']);
  });

  test('header rules and the infoFtthError fault: another operator’s SIREN 201, another provider 101, no header 101', async () => {
    const call = async (headerXml: string) => {
      const body =
        `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${headerXml}</soapenv:Header>` +
        `<soapenv:Body><it:getInfoTravauxFTTHRequest xmlns:it="${INFO_TRAVAUX_NS}"><type>TP</type></it:getInfoTravauxFTTHRequest></soapenv:Body></soapenv:Envelope>`;
      const response = await rawPost(`${t.url}/ws/interop/infoTravauxFTTH`, t.tlsFor('OPA1'), body, {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: '"getInfoTravauxFTTH"',
      });
      return response;
    };
    const ok = await call(header(OPA1_SIREN));
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<travaux reference="TP-75056-0042-01" serviceProviderID="100000009">');

    const other = await call(header('200000008'));
    expect(other.status).toBe(500);
    expect(other.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(other.body).toMatch(/<it:infoFtthError xmlns:it="http:\/\/interop-fibre\.fr\/wsdl\/ftth\/infoTravaux\/v1-0"><codeRetour>201<\/codeRetour><messageRetour>[^<]*InfoTravauxFTTHHeader\/serviceProviderID/);

    const provider = await call(header(OPA1_SIREN, '999999999'));
    expect(provider.body).toMatch(/<codeRetour>101<\/codeRetour><messageRetour>[^<]*supplierID/);

    // The header of the published WSDL's defect (no namespace) is not our header: missing → 101.
    const unqualified = await call(`<InfoTravauxFTTHHeader><supplierID>${PROVIDER_SIREN}</supplierID><serviceProviderID>${OPA1_SIREN}</serviceProviderID></InfoTravauxFTTHHeader>`);
    expect(unqualified.body).toMatch(/<codeRetour>101<\/codeRetour><messageRetour>[^<]*InfoTravauxFTTHHeader/);

    // node-soap reads the typed fault detail too.
    const wrong = await t.soapClient('OPA1', '/ws/interop/infoTravauxFTTH');
    wrong.addSoapHeader(header('200000008'));
    const error: any = await wrong.getInfoTravauxFTTHAsync({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error?.root?.Envelope?.Body?.Fault?.detail?.infoFtthError).toMatchObject({ codeRetour: '201' });
  });
});
