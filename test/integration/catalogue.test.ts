// consulterCatalogue over the real stack (node-soap client, mutual TLS, PostgreSQL), its
// conformance to the published schema, and deposits on the FTTH_PASSIF form versions 1 and 2
// around the exact cut-over instants, with the business clock set by the test.
import path from 'node:path';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import { SettableClock } from '../../src/domain/clock.js';
import { instantFromParisWallTime } from '../../src/domain/paris-calendar.js';
import { XSD_DIR } from '../../src/adapters/paths.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { soapFault } from '../support/faults.js';
import { depositArgs, enteteRequete, rawPost, startTestGateway, type TestGateway } from '../support/gateway.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SIG = 'urn:esav:signalisation:v1';

const OFFER_CODES = ['CE2O', 'CUIVRE_DEGROUPAGE', 'DSL_COLLECTE', 'FTTH_ACTIVE', 'FTTH_PASSIF', 'LFO'];
const paris = instantFromParisWallTime;
/** Before v2's production (only v1), both live, after v1's end of coexistence (only v2). */
const ONLY_V1 = paris(2027, 1, 3, 12, 0);
const BOTH = paris(2027, 1, 20, 12, 0);
const ONLY_V2 = paris(2027, 2, 10, 12, 0);

type Any = Record<string, any>;
const day = (value: Date | string | undefined) => (value instanceof Date ? value.toISOString().slice(0, 10) : value);

function children(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = e.firstChild; n; n = n.next) if (n instanceof XmlElement) out.push(n);
  return out;
}

describeDb('consulterCatalogue and form versions', () => {
  let t: TestGateway;
  let schema: CompiledSchema;
  beforeAll(async () => {
    t = await startTestGateway({ clock: new SettableClock(BOTH) });
    schema = CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'signalisation-v1.xsd'), XSD_DIR);
  });
  afterAll(async () => {
    schema?.dispose();
    await t?.close();
  });
  beforeEach(() => t.clock.set(BOTH));

  async function client(code = 'OPA1') {
    const c = await t.soapClient(code);
    c.addSoapHeader(enteteRequete(code));
    return c;
  }

  async function catalogue(args: Any = {}): Promise<Any[]> {
    const [response] = await (await client()).consulterCatalogueAsync(args);
    return response?.offre ?? [];
  }

  describe('consulterCatalogue', () => {
    test('all offers marketed, sorted by code, each complete', async () => {
      const offers = await catalogue();
      expect(offers.map((o) => o.code)).toEqual(OFFER_CODES);
      const ftthActive = offers.find((o) => o.code === 'FTTH_ACTIVE')!;
      expect(ftthActive).toMatchObject({
        libelle: 'Accès FTTH activé (bitstream fibre)',
        technologie: 'FTTH',
        canauxSignalisation: { canal: ['WS'] },
        tests: {
          testsDisponibles: true,
          testPrealableRequis: false,
          typeTest: ['ETAT_SYNCHRO', 'MESURE_OPTIQUE', 'ETAT_PORT', 'ETAT_SESSION', 'REINITIALISATION_PORT'],
        },
      });
      expect(day(ftthActive.dateCommercialisation)).toBe('2019-01-01');
      expect(day(ftthActive.dateMiseEnPlace)).toBe('2019-02-01');
      expect(ftthActive.tests.validiteTestPrealableHeures).toBeUndefined();
      expect(ftthActive.garanties.garantie.map((g: Any) => g.code)).toEqual(['GTR_STANDARD', 'GTR_10HO', 'GTR_4HO']);
      expect(ftthActive.garanties.garantie[1]).toEqual({ code: 'GTR_10HO', libelle: 'Rétablissement en 10 heures ouvrées', delaiHeures: 10, heuresOuvrees: true });
      expect(ftthActive.nomenclatures.defautDeclare.entree).toContainEqual({ code: 'PERTE_SESSION', libelle: 'Perte de session' });
      expect(ftthActive.nomenclatures.localisationPresumee.entree).toContainEqual({ code: 'OLT', libelle: 'Équipement actif OLT' });
      const lfo = offers.find((o) => o.code === 'LFO')!;
      expect(lfo.canauxSignalisation.canal).toEqual(['WS', 'PORTAIL']);
      expect(lfo.garanties.garantie).toContainEqual({ code: 'GTR_4H_24x7', libelle: 'Rétablissement en 4 heures, 24 h/24 et 7 j/7', delaiHeures: 4, heuresOuvrees: false });
      expect(lfo.tests).toEqual({ testsDisponibles: false, testPrealableRequis: false });
    });

    test('one offer: FTTH_PASSIF during the coexistence shows v1 (with its end) and v2', async () => {
      const offers = await catalogue({ offre: 'FTTH_PASSIF' });
      expect(offers).toHaveLength(1);
      const forms = offers[0]!.formulaires.formulaire as Any[];
      expect(forms.map((f) => [f.idFormulaire, Number(f.version), day(f.dateProduction), day(f.finCoexistence)])).toEqual([
        ['FTTH_PASSIF', 1, '2019-01-01', '2027-02-04'],
        ['FTTH_PASSIF', 2, '2027-01-04', undefined],
      ]);
      expect(forms[0]!.champs.champ).toEqual([
        { code: 'REF_PTO', libelle: 'Référence de la prise terminale optique', obligatoire: false },
        { code: 'ROUTE_OPTIQUE', libelle: 'Route optique (PM, câble, tube, fibre)', obligatoire: false },
      ]);
      expect(forms[1]!.champs.champ[0]).toEqual({ code: 'REF_PTO', libelle: 'Référence de la prise terminale optique', obligatoire: true });
    });

    test('only the live versions at the clock\'s now', async () => {
      const versionsAt = async (instant: Date) => {
        t.clock.set(instant);
        const [offer] = await catalogue({ offre: 'FTTH_PASSIF' });
        return (offer!.formulaires.formulaire as Any[]).map((f) => Number(f.version));
      };
      expect(await versionsAt(ONLY_V1)).toEqual([1]);
      expect(await versionsAt(paris(2027, 1, 4))).toEqual([1, 2]);
      expect(await versionsAt(paris(2027, 2, 3, 23, 59, 59, 999))).toEqual([1, 2]);
      expect(await versionsAt(paris(2027, 2, 4))).toEqual([2]);
    });

    test('an offer marketed but not set up yet is listed with its set-up date', async () => {
      t.clock.set(paris(2019, 1, 15, 10, 0));
      const offers = await catalogue();
      expect(offers.map((o) => o.code)).toEqual(OFFER_CODES);
      expect(offers.map((o) => day(o.dateMiseEnPlace))).toEqual(OFFER_CODES.map(() => '2019-02-01'));
      expect(offers.every((o) => o.formulaires.formulaire.length === 1)).toBe(true);
    });

    test('before any offer is marketed the list is empty, and a named offer → 301', async () => {
      t.clock.set(paris(2018, 12, 31, 23, 59, 59));
      expect(await catalogue()).toEqual([]);
      const fault = await soapFault((await client()).consulterCatalogueAsync({ offre: 'FTTH_PASSIF' }));
      expect(fault).toMatchObject({ code: 301, champ: 'offre', faultcode: 'soapenv:Client' });
    });

    test('an unknown offer → 301 on offre', async () => {
      const fault = await soapFault((await client()).consulterCatalogueAsync({ offre: 'OFFRE_INCONNUE' }));
      expect(fault).toMatchObject({ code: 301, champ: 'offre', faultcode: 'soapenv:Client' });
      expect(fault.libelle).toContain('OFFRE_INCONNUE');
    });

    test('the second demo operator gets the same catalogue', async () => {
      const [response] = await (await client('OPB2')).consulterCatalogueAsync({});
      expect(response.offre.map((o: Any) => o.code)).toEqual(OFFER_CODES);
    });
  });

  describe('responses conform to the published schema', () => {
    async function validated(payload: string, instant: Date): Promise<string> {
      t.clock.set(instant);
      const envelope =
        `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header>${enteteRequete('OPA1')}</soapenv:Header>` +
        `<soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`;
      const response = await rawPost(`${t.url}/ws/v1/signalisation`, t.tlsFor('OPA1'), envelope, {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: '"urn:esav:signalisation:v1:consulterCatalogue"',
      });
      expect(response.status).toBe(200);
      const doc = XmlDocument.fromString(response.body);
      try {
        const [header, body] = children(doc.root);
        schema.validateElement(children(header!)[0]!);
        const answer = children(body!)[0]!;
        expect(answer.name).toBe('consulterCatalogueReponse');
        schema.validateElement(answer);
      } finally {
        doc.dispose();
      }
      return response.body;
    }

    test.each([
      ['all offers, only v1', `<s:consulterCatalogue xmlns:s="${SIG}"/>`, ONLY_V1],
      ['all offers, two versions', `<s:consulterCatalogue xmlns:s="${SIG}"/>`, BOTH],
      ['all offers, only v2', `<s:consulterCatalogue xmlns:s="${SIG}"/>`, ONLY_V2],
      ['all offers, not set up yet', `<s:consulterCatalogue xmlns:s="${SIG}"/>`, paris(2019, 1, 15)],
      ['no offer marketed yet', `<s:consulterCatalogue xmlns:s="${SIG}"/>`, paris(2018, 6, 1)],
      ['one offer', `<s:consulterCatalogue xmlns:s="${SIG}"><s:offre>FTTH_ACTIVE</s:offre></s:consulterCatalogue>`, BOTH],
    ])('%s', async (_name, payload, instant) => {
      await validated(payload, instant);
    });

    test('xs:date values are calendar days, booleans true/false', async () => {
      const body = await validated(`<s:consulterCatalogue xmlns:s="${SIG}"><s:offre>FTTH_PASSIF</s:offre></s:consulterCatalogue>`, BOTH);
      expect(body).toContain('<dateProduction>2027-01-04</dateProduction>');
      expect(body).toContain('<finCoexistence>2027-02-04</finCoexistence>');
      expect(body).toContain('<dateCommercialisation>2019-01-01</dateCommercialisation>');
      expect(body).toContain('<obligatoire>true</obligatoire>');
      expect(body).toContain('<testsDisponibles>false</testsDisponibles>');
    });
  });

  describe('deposits on FTTH_PASSIF v1 / v2 around the cut-over', () => {
    const v1 = () => depositArgs({ formulaire: { idFormulaire: 'FTTH_PASSIF', version: 1 } });
    const v2 = (champs: Any[] = [{ code: 'REF_PTO', valeur: 'PTO-75056-000123' }]) =>
      depositArgs({ formulaire: { idFormulaire: 'FTTH_PASSIF', version: 2 }, ...(champs.length > 0 ? { champs: { champ: champs } } : {}) });

    async function accepted(args: Any): Promise<void> {
      const [ack] = await (await client()).deposerSignalisationAsync(args);
      expect(ack.etat).toBe('EN_DEPOT');
      expect(ack.referenceSignalisation).toMatch(/^SIG-/);
    }

    async function refused(args: Any, code: number, champ: string): Promise<void> {
      const fault = await soapFault((await client()).deposerSignalisationAsync(args));
      expect(fault).toMatchObject({ code, champ });
    }

    test('2027-01-03 23:59:59.999 Paris: v2 not in production yet → 302; v1 accepted', async () => {
      t.clock.set(paris(2027, 1, 3, 23, 59, 59, 999));
      await refused(v2(), 302, 'formulaire');
      await accepted(v1());
    });

    test('2027-01-04 00:00 Paris: both accepted; v2 requires REF_PTO (303)', async () => {
      t.clock.set(paris(2027, 1, 4, 0, 0));
      await accepted(v1());
      await accepted(v2());
      await refused(v2([]), 303, 'champs/champ[code=REF_PTO]');
      await refused(v2([{ code: 'ROUTE_OPTIQUE', valeur: 'PM-75056-0012/C3/T2/F7' }]), 303, 'champs/champ[code=REF_PTO]');
    });

    test('2027-02-03 23:59:59.999 Paris: v1 still accepted, and v2', async () => {
      t.clock.set(paris(2027, 2, 3, 23, 59, 59, 999));
      await accepted(v1());
      await accepted(v2());
    });

    test('2027-02-04 00:00 Paris: v1 withdrawn → 302; v2 accepted', async () => {
      t.clock.set(paris(2027, 2, 4, 0, 0));
      await refused(v1(), 302, 'formulaire');
      await accepted(v2());
    });

    test('a v1 deposit acknowledged before the cut-over is replayed after it (idempotency wins)', async () => {
      t.clock.set(paris(2027, 2, 3, 23, 59, 0));
      const args = v1();
      const [first] = await (await client()).deposerSignalisationAsync(args);
      t.clock.set(paris(2027, 2, 4, 0, 0, 30));
      const [again] = await (await client()).deposerSignalisationAsync(args);
      expect(again.referenceSignalisation).toBe(first.referenceSignalisation);
    });
  });
});
