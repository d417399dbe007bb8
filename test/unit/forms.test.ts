// Form versions (decision 0006): the fields of each version come from its own XSD
// (catalog/formulaires/<id>/v<N>.xsd), checkChamps validates a request's champs with that schema,
// and the end of coexistence of a version is derived from the next one's production date.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { instantFromParisWallTime } from '../../src/domain/paris-calendar.js';
import { endOfCoexistence, findLiveForm, liveForms, type ChampValeur, type FormVersion } from '../../src/domain/catalogue.js';
import { addCalendarMonths } from '../../src/domain/paris-calendar.js';
import { EsavFault } from '../../src/domain/faults.js';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { CatalogueError, loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { thrown } from './_support/soap-messages.js';

const catalogue = loadCatalogue(CATALOG_DIR);
const passif = catalogue.offers.get('FTTH_PASSIF')!;
const form = (id: string, version: number): FormVersion => catalogue.offers.get(id)!.formulaires.find((f) => f.version === version)!;
const v1 = form('FTTH_PASSIF', 1);
const v2 = form('FTTH_PASSIF', 2);

/** The 303 fault checkChamps throws (fails the test when it does not throw one). */
function fault303(f: FormVersion, champs: ChampValeur[]): EsavFault {
  const error = thrown(() => f.checkChamps(champs));
  expect(error).toBeInstanceOf(EsavFault);
  const fault = error as EsavFault;
  expect(fault.code).toBe(303);
  expect(fault.side).toBe('Client');
  return fault;
}

const PTO = 'PTO-75056-000123';
const ROUTE = 'PM 75056-12 / câble 3 / tube 2 / fibre 7';

describe('fields derived from the form XSD', () => {
  test('FTTH_PASSIF v1: both fields optional, labels from xs:documentation, in schema order', () => {
    expect(v1.champs.map(({ code, libelle, obligatoire }) => ({ code, libelle, obligatoire }))).toEqual([
      { code: 'REF_PTO', libelle: 'Référence de la prise terminale optique', obligatoire: false },
      { code: 'ROUTE_OPTIQUE', libelle: 'Route optique (PM, câble, tube, fibre)', obligatoire: false },
    ]);
  });

  test('FTTH_PASSIF v2: REF_PTO mandatory (minOccurs="1")', () => {
    expect(v2.champs.map(({ code, libelle, obligatoire }) => ({ code, libelle, obligatoire }))).toEqual([
      { code: 'REF_PTO', libelle: 'Référence de la prise terminale optique', obligatoire: true },
      { code: 'ROUTE_OPTIQUE', libelle: 'Route optique (PM, câble, tube, fibre)', obligatoire: false },
    ]);
  });

  test.each([...catalogue.offers.values()].flatMap((o) => o.formulaires.map((f) => [`${f.idFormulaire} v${f.version}`, f] as const)))(
    '%s: champs are exactly the elements of its XSD',
    (_name, f) => {
      const xsd = fs.readFileSync(path.join(CATALOG_DIR, 'formulaires', f.idFormulaire, `v${f.version}.xsd`), 'utf8');
      expect(xsd).toContain(`targetNamespace="urn:esav:formulaire:${f.idFormulaire}:v${f.version}"`);
      const declared = [...xsd.matchAll(/<xs:element name="([A-Z_]+)" type="[^"]+" minOccurs="([01])">/g)].map((m) => ({
        code: m[1],
        obligatoire: m[2] === '1',
      }));
      expect(f.champs.map(({ code, obligatoire }) => ({ code, obligatoire }))).toEqual(declared);
    },
  );
});

describe('checkChamps', () => {
  test('valid field sets pass', () => {
    expect(() => v1.checkChamps([])).not.toThrow();
    expect(() => v1.checkChamps([{ code: 'REF_PTO', valeur: PTO }])).not.toThrow();
    expect(() => v2.checkChamps([{ code: 'ROUTE_OPTIQUE', valeur: ROUTE }, { code: 'REF_PTO', valeur: PTO }])).not.toThrow();
    // xs:token: surrounding and repeated blanks are collapsed before the pattern applies
    expect(() => v2.checkChamps([{ code: 'REF_PTO', valeur: `  ${PTO}\n` }])).not.toThrow();
    expect(() => form('CUIVRE_DEGROUPAGE', 1).checkChamps([{ code: 'NUMERO_DESIGNATION', valeur: '0140000001' }])).not.toThrow();
    expect(() => form('FTTH_ACTIVE', 1).checkChamps([{ code: 'NUMERO_SERIE_ONT', valeur: 'ALCL1A2B3C4D' }])).not.toThrow();
    expect(() => form('CE2O', 1).checkChamps([{ code: 'IDENTIFIANT_CIRCUIT', valeur: 'OPA/CIR-2026.0042' }])).not.toThrow();
    expect(() => form('LFO', 1).checkChamps([{ code: 'TRONCON', valeur: 'CH-75056-0012/CH-75056-0013' }])).not.toThrow();
  });

  test('an unknown code → 303 naming it and listing the known ones', () => {
    const fault = fault303(v1, [{ code: 'REF_PTO', valeur: PTO }, { code: 'CHAMP_INCONNU', valeur: 'x' }]);
    expect(fault.champ).toBe('champs/champ[code=CHAMP_INCONNU]');
    expect(fault.libelle).toContain('CHAMP_INCONNU');
    expect(fault.libelle).toContain('FTTH_PASSIF v1');
    expect(fault.libelle).toContain('REF_PTO, ROUTE_OPTIQUE');
  });

  test('a code of another form (or another version) is unknown', () => {
    expect(fault303(v1, [{ code: 'NUMERO_SERIE_ONT', valeur: 'ALCL1A2B3C4D' }]).champ).toBe('champs/champ[code=NUMERO_SERIE_ONT]');
  });

  test('a code that is not an XML name never becomes an element', () => {
    for (const code of ['<x/>', 'a b', 'f:champs', '']) {
      const fault = fault303(v1, [{ code, valeur: 'x' }]);
      expect(fault.champ).toBe(`champs/champ[code=${code}]`);
      expect(fault.libelle).toContain('inconnu');
    }
  });

  test('a duplicated code → 303 naming it', () => {
    const fault = fault303(v1, [{ code: 'REF_PTO', valeur: PTO }, { code: 'REF_PTO', valeur: PTO }]);
    expect(fault.champ).toBe('champs/champ[code=REF_PTO]');
    expect(fault.libelle).toMatch(/REF_PTO .*plusieurs fois/);
  });

  test('a missing mandatory field → 303 naming the missing code', () => {
    for (const champs of [[], [{ code: 'ROUTE_OPTIQUE', valeur: ROUTE }]]) {
      const fault = fault303(v2, champs);
      expect(fault.champ).toBe('champs/champ[code=REF_PTO]');
      expect(fault.libelle).toBe('Champ obligatoire REF_PTO (Référence de la prise terminale optique) absent (formulaire FTTH_PASSIF v2)');
    }
  });

  test('a blank mandatory field → 303', () => {
    const fault = fault303(v2, [{ code: 'REF_PTO', valeur: '  ' }]);
    expect(fault.champ).toBe('champs/champ[code=REF_PTO]');
    expect(fault.libelle).toContain('vide');
  });

  test.each([
    ['FTTH_PASSIF', 1, 'REF_PTO', 'PTO-0042-B', /format attendu : PTO-\[0-9\]\{5\}-\[0-9\]\{6\}/],
    ['FTTH_PASSIF', 2, 'REF_PTO', 'pto-75056-000123', /format attendu/],
    ['FTTH_PASSIF', 1, 'ROUTE_OPTIQUE', 'PM-1/C3', /format attendu/],
    ['FTTH_PASSIF', 1, 'ROUTE_OPTIQUE', `${'x'.repeat(95)}/a/b/c`, /100 caractères au plus/],
    ['CUIVRE_DEGROUPAGE', 1, 'NUMERO_DESIGNATION', '1140000001', /format attendu/],
    ['FTTH_ACTIVE', 1, 'NUMERO_SERIE_ONT', 'ALCL1A2B3C4', /format attendu/],
    ['LFO', 1, 'TRONCON', 'CH-1', /format attendu/],
  ])('%s v%s: %s = %j does not match its type → 303 naming the field', (id, version, code, valeur, reason) => {
    const f = form(id, version);
    const champs = f.champs.filter((c) => c.obligatoire && c.code !== code).map((c) => ({ code: c.code, valeur: PTO }));
    const fault = fault303(f, [...champs, { code, valeur }]);
    expect(fault.champ).toBe(`champs/champ[code=${code}]`);
    const libelle = f.champs.find((c) => c.code === code)!.libelle;
    expect(fault.libelle).toContain(`Valeur du champ ${code} (${libelle}) invalide pour le formulaire ${id} v${version}`);
    expect(fault.libelle).toMatch(reason);
  });

  test('the invalid field is named even when several are sent', () => {
    const fault = fault303(v1, [{ code: 'REF_PTO', valeur: PTO }, { code: 'ROUTE_OPTIQUE', valeur: 'sans séparateur' }]);
    expect(fault.champ).toBe('champs/champ[code=ROUTE_OPTIQUE]');
    const other = fault303(v1, [{ code: 'ROUTE_OPTIQUE', valeur: ROUTE }, { code: 'REF_PTO', valeur: 'X' }]);
    expect(other.champ).toBe('champs/champ[code=REF_PTO]');
  });

  test('values are escaped: <&> is character data, never markup', () => {
    // ROUTE_OPTIQUE accepts any character but "/" in its four parts: the value reaches the
    // validator intact (escaped), it is valid, and nothing else is injected.
    expect(() => v1.checkChamps([{ code: 'ROUTE_OPTIQUE', valeur: 'PM <1> & co/C&3/T<2>/F7' }])).not.toThrow();
    expect(() => v1.checkChamps([{ code: 'ROUTE_OPTIQUE', valeur: 'a]]>b/<!--c-->/&amp;/&#60;' }])).not.toThrow();
    // <&> alone does not match REF_PTO's type: a 303 on that field, not a parse error
    expect(fault303(v1, [{ code: 'REF_PTO', valeur: '<&>' }]).champ).toBe('champs/champ[code=REF_PTO]');
    // an attempt to close the element and add another one is just an invalid value
    const injected = `${PTO}</f:REF_PTO><f:ROUTE_OPTIQUE>${ROUTE}</f:ROUTE_OPTIQUE><f:REF_PTO>${PTO}`;
    expect(fault303(v1, [{ code: 'REF_PTO', valeur: injected }]).champ).toBe('champs/champ[code=REF_PTO]');
    // a mandatory field cannot be smuggled inside another field's value
    const smuggled = `a/b/c/d</f:ROUTE_OPTIQUE><f:REF_PTO>${PTO}</f:REF_PTO><f:ROUTE_OPTIQUE>a/b/c/d`;
    expect(fault303(v2, [{ code: 'ROUTE_OPTIQUE', valeur: smuggled }]).champ).toBe('champs/champ[code=REF_PTO]');
  });

  test('a character XML cannot carry → 303 on that field', () => {
    for (const valeur of ['a\u0000/b/c/d', 'a\u0007/b/c/d', 'a\uFFFF/b/c/d', 'a\uD800/b/c/d']) {
      const fault = fault303(v1, [{ code: 'ROUTE_OPTIQUE', valeur }]);
      expect(fault.champ).toBe('champs/champ[code=ROUTE_OPTIQUE]');
      expect(fault.libelle).toContain('caractère interdit');
    }
  });

  test('an unknown code is reported before a missing mandatory field', () => {
    expect(fault303(v2, [{ code: 'AUTRE', valeur: 'x' }]).champ).toBe('champs/champ[code=AUTRE]');
  });
});

describe('end of coexistence', () => {
  test.each([
    ['2027-01-04', '2027-02-04'],
    ['2026-12-15', '2027-01-15'],
    ['2027-01-31', '2027-02-28'], // clamped to the last day of the month
    ['2028-01-31', '2028-02-29'], // leap year
    ['2026-03-29', '2026-04-29'], // across the spring DST change: calendar days, not hours
    ['2026-10-25', '2026-11-25'],
  ])('endOfCoexistence(%s) = %s', (production, end) => {
    expect(endOfCoexistence(production)).toBe(end);
  });

  test('addCalendarMonths over years, both ways', () => {
    expect(addCalendarMonths('2026-11-30', 3)).toBe('2027-02-28');
    expect(addCalendarMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(addCalendarMonths('2027-01-15', 12)).toBe('2028-01-15');
  });

  test('FTTH_PASSIF v1 ends one month after v2 went into production; the latest version has no end', () => {
    expect(v2.dateProduction).toBe('2027-01-04');
    expect(v1.finCoexistence).toBe('2027-02-04');
    expect(v2.finCoexistence).toBeNull();
  });
});

describe('live versions around the exact cut-over instants (Europe/Paris)', () => {
  const versionsAt = (instant: Date) => liveForms(passif, instant).map((f) => f.version);

  test.each([
    ['2027-01-03 23:59:59.999', [1], instantFromParisWallTime(2027, 1, 3, 23, 59, 59, 999)],
    ['2027-01-04 00:00', [1, 2], instantFromParisWallTime(2027, 1, 4, 0, 0)],
    ['2027-02-03 23:59:59.999', [1, 2], instantFromParisWallTime(2027, 2, 3, 23, 59, 59, 999)],
    ['2027-02-04 00:00', [2], instantFromParisWallTime(2027, 2, 4, 0, 0)],
  ] as const)('%s Paris → versions %j', (_label, expected, instant) => {
    expect(versionsAt(instant)).toEqual(expected);
    for (const version of [1, 2]) {
      expect(findLiveForm(passif, 'FTTH_PASSIF', version, instant)?.version).toBe((expected as readonly number[]).includes(version) ? version : undefined);
    }
  });

  test('the instants are the Paris midnights (UTC+1 in winter)', () => {
    expect(instantFromParisWallTime(2027, 1, 4, 0, 0).toISOString()).toBe('2027-01-03T23:00:00.000Z');
    expect(instantFromParisWallTime(2027, 2, 4, 0, 0).toISOString()).toBe('2027-02-03T23:00:00.000Z');
  });

  test('never more than two live versions of a form, any day of 2026-2028', () => {
    for (let t = Date.UTC(2026, 0, 1, 12); t < Date.UTC(2029, 0, 1); t += 86_400_000) {
      for (const offer of catalogue.offers.values()) expect(liveForms(offer, new Date(t)).length).toBeLessThanOrEqual(2);
    }
  });
});

describe('loader refusals (file:line)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-forms-'));
    fs.cpSync(CATALOG_DIR, dir, { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const offerFile = (code: string) => path.join(dir, 'offres', `${code}.yaml`);
  const xsdFile = (id: string, version: number) => path.join(dir, 'formulaires', id, `v${version}.xsd`);

  function edit(file: string, from: string | RegExp, to: string): void {
    const text = fs.readFileSync(file, 'utf8');
    const next = text.replace(from, to);
    expect(next).not.toBe(text);
    fs.writeFileSync(file, next);
  }

  /** 1-based line of the `occurrence`-th line containing `needle`. */
  function lineOf(file: string, needle: string, occurrence = 1): number {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let seen = 0;
    const index = lines.findIndex((l) => l.includes(needle) && ++seen === occurrence);
    expect(index).toBeGreaterThanOrEqual(0);
    return index + 1;
  }

  function loadError(): CatalogueError {
    const error = thrown(() => loadCatalogue(dir));
    expect(error).toBeInstanceOf(CatalogueError);
    return error as CatalogueError;
  }

  /** Adds a version 3 to FTTH_PASSIF (YAML entry + XSD copied from v2). */
  function addVersion3(dateProduction: string): void {
    fs.writeFileSync(xsdFile('FTTH_PASSIF', 3), fs.readFileSync(xsdFile('FTTH_PASSIF', 2), 'utf8').replaceAll(':v2"', ':v3"'));
    fs.appendFileSync(
      offerFile('FTTH_PASSIF'),
      `  - idFormulaire: FTTH_PASSIF\n    version: 3\n    dateProduction: "${dateProduction}"\n    schema: formulaires/FTTH_PASSIF/v3.xsd\n`,
    );
  }

  test('the copy loads (sanity), and a field added to an XSD appears in the catalogue', () => {
    edit(
      xsdFile('FTTH_PASSIF', 2),
      '      </xs:all>',
      '        <xs:element name="REF_PBO" type="xs:token"><xs:annotation><xs:documentation>  Référence\n          du PBO </xs:documentation></xs:annotation></xs:element>\n      </xs:all>',
    );
    const f = loadCatalogue(dir).offers.get('FTTH_PASSIF')!.formulaires[1]!;
    expect(f.champs.map((c) => [c.code, c.obligatoire])).toEqual([
      ['REF_PTO', true],
      ['ROUTE_OPTIQUE', false],
      ['REF_PBO', true],
    ]);
    expect(f.champs[2]!.libelle).toBe('Référence du PBO');
    expect(thrown(() => f.checkChamps([{ code: 'REF_PTO', valeur: PTO }]))).toMatchObject({ code: 303, champ: 'champs/champ[code=REF_PBO]' });
  });

  test('a version 3 whose production starts on v1\'s end of coexistence is accepted: never three live', () => {
    addVersion3('2027-02-04');
    const forms = loadCatalogue(dir).offers.get('FTTH_PASSIF')!.formulaires;
    expect(forms.map((f) => f.finCoexistence)).toEqual(['2027-02-04', '2027-03-04', null]);
  });

  test('a version 3 that would make three versions live on one day → refused at its dateProduction', () => {
    addVersion3('2027-02-03');
    const file = offerFile('FTTH_PASSIF');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, '2027-02-03')}:`);
    expect(error.message).toContain('3 versions en service le 2027-02-03');
    expect(error.message).toContain("jusqu'au 2027-02-04 exclu");
  });

  test('a gap in the version numbers → refused at the version', () => {
    const file = offerFile('FTTH_PASSIF');
    edit(file, 'version: 2', 'version: 3');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'version: 3')}:`);
    expect(error.message).toContain('version 3 trouvée, version 2 attendue');
  });

  test('a version listed twice → refused at the second one', () => {
    const file = offerFile('FTTH_PASSIF');
    edit(file, 'version: 2', 'version: 1');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'version: 1', 2)}:`);
  });

  test('versions not starting at 1 → refused', () => {
    const file = offerFile('LFO');
    edit(file, 'version: 1', 'version: 2');
    expect(loadError().message).toContain(`${file}:${lineOf(file, 'version: 2')}: version 2 trouvée, version 1 attendue`);
  });

  test('production dates not increasing → refused at the later version', () => {
    const file = offerFile('FTTH_PASSIF');
    edit(file, 'dateProduction: "2027-01-04"', 'dateProduction: "2019-01-01"');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'dateProduction: "2019-01-01"', 2)}:`);
    expect(error.message).toContain('non postérieure');
  });

  test('a form whose idFormulaire is not the offer\'s → refused', () => {
    const file = offerFile('FTTH_ACTIVE');
    edit(file, 'idFormulaire: FTTH_ACTIVE', 'idFormulaire: FTTH_PASSIF');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'idFormulaire: FTTH_PASSIF')}:`);
    expect(error.message).toContain("code de l'offre (FTTH_ACTIVE)");
  });

  test('version 1 produced after the offer is marketed → refused', () => {
    const file = offerFile('CE2O');
    edit(file, 'dateProduction: "2019-01-01"', 'dateProduction: "2024-01-01"');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'dateProduction: "2024-01-01"')}:`);
    expect(error.message).toContain('au plus tard à la commercialisation');
  });

  test('finCoexistence written by hand → refused (it is derived)', () => {
    const file = offerFile('LFO');
    edit(file, 'schema: formulaires/LFO/v1.xsd', 'schema: formulaires/LFO/v1.xsd\n    finCoexistence: null');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'finCoexistence')}:`);
    expect(error.message).toContain('calculée');
  });

  test('fields listed in the YAML (the former shape) → refused: they are the XSD\'s', () => {
    const file = offerFile('LFO');
    edit(file, 'schema: formulaires/LFO/v1.xsd', 'schema: formulaires/LFO/v1.xsd\n    champs:\n      - code: TRONCON');
    // the line of the value (the list under champs:), as for every other key
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, '- code: TRONCON', 2)}:`);
    expect(error.message).toContain('formulaires[0].champs non admis');
  });

  test('a schema path that is not formulaires/<id>/v<N>.xsd → refused at schema', () => {
    const file = offerFile('FTTH_PASSIF');
    edit(file, 'schema: formulaires/FTTH_PASSIF/v2.xsd', 'schema: formulaires/FTTH_PASSIF/v1.xsd');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'schema: formulaires/FTTH_PASSIF/v1.xsd', 2)}:`);
    expect(error.message).toContain('formulaires/FTTH_PASSIF/v2.xsd');
  });

  test('a missing schema file → refused at schema', () => {
    fs.rmSync(xsdFile('DSL_COLLECTE', 1));
    const file = offerFile('DSL_COLLECTE');
    expect(loadError().message).toContain(`${file}:${lineOf(file, 'schema:')}: schéma introuvable`);
  });

  describe('broken form XSDs name the XSD file and line, and the form entry', () => {
    const xsd = () => xsdFile('LFO', 1);

    function xsdError(): string {
      const message = loadError().message;
      expect(message).toContain(`(formulaire LFO v1, ${offerFile('LFO')}:${lineOf(offerFile('LFO'), 'schema:')})`);
      return message;
    }

    test('not well-formed XML', () => {
      edit(xsd(), '</xs:all>', '</xs:al>');
      expect(xsdError()).toMatch(new RegExp(`${xsd()}:${lineOf(xsd(), '</xs:al>')}: XML invalide`));
    });

    test('a field without its French label', () => {
      edit(xsd(), /<xs:annotation><xs:documentation xml:lang="fr">Tronçon concerné<\/xs:documentation><\/xs:annotation>\n/, '');
      expect(xsdError()).toContain(`${xsd()}:${lineOf(xsd(), 'name="TRONCON"')}: champ TRONCON : libellé manquant`);
    });

    test('another targetNamespace', () => {
      edit(xsd(), 'targetNamespace="urn:esav:formulaire:LFO:v1"', 'targetNamespace="urn:esav:formulaire:LFO:v2"');
      expect(xsdError()).toContain('targetNamespace doit valoir urn:esav:formulaire:LFO:v1');
    });

    test('elementFormDefault not qualified', () => {
      edit(xsd(), 'elementFormDefault="qualified"', 'elementFormDefault="unqualified"');
      expect(xsdError()).toContain('elementFormDefault doit valoir qualified');
    });

    test('an import (a form schema is self-contained)', () => {
      edit(xsd(), '\n  <xs:simpleType', '\n  <xs:import namespace="urn:esav:commun:v1" schemaLocation="../../../xsd/common/commun-v1.xsd"/>\n  <xs:simpleType');
      expect(xsdError()).toContain(`${xsd()}:${lineOf(xsd(), '<xs:import')}: xs:import interdit`);
    });

    test('a content model other than xs:all', () => {
      edit(xsd(), /<xs:all>([\s\S]*)<\/xs:all>/, '<xs:sequence>$1</xs:sequence>');
      expect(xsdError()).toContain(`${xsd()}:${lineOf(xsd(), '<xs:complexType>')}: le contenu de champs doit être un xs:all`);
    });

    test('minOccurs other than 0 or 1', () => {
      edit(xsd(), 'minOccurs="0"', 'minOccurs="2"');
      expect(xsdError()).toContain(`${xsd()}:${lineOf(xsd(), 'name="TRONCON"')}: champ TRONCON : minOccurs`);
    });

    test('a field without a simple type', () => {
      edit(xsd(), ' type="f:Troncon"', '');
      expect(xsdError()).toContain('champ TRONCON : un type simple est requis');
    });

    test('a field typed xs:anyType', () => {
      edit(xsd(), 'type="f:Troncon"', 'type="xs:anyType"');
      expect(xsdError()).toContain("champ TRONCON : xs:anyType n'est pas un type de champ");
    });

    test('a field code that is not a catalogue code', () => {
      edit(xsd(), 'name="TRONCON"', 'name="tronçon"');
      expect(xsdError()).toContain('code de champ invalide');
    });

    test('a schema libxml2 does not compile (invalid pattern facet)', () => {
      edit(xsd(), /<xs:pattern value="[^"]*"\/>/, '<xs:pattern value="[A-Z"/>');
      expect(xsdError()).toContain(`${xsd()}:`);
      expect(xsdError()).toContain('schéma XSD invalide');
    });

    test('another root element than champs', () => {
      edit(xsd(), '<xs:element name="champs">', '<xs:element name="donnees">');
      expect(xsdError()).toContain('un seul élément racine, champs');
    });
  });
});
