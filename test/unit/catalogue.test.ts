import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findLiveForm, inNomenclature, isFormVersionLive, isOfferSetUp, type FormVersion, type Offer } from '../../src/domain/catalogue.js';
import { parisDayOf } from '../../src/domain/paris-calendar.js';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { CatalogueError, loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { thrown } from './_support/soap-messages.js';

const OFFER_CODES = ['CE2O', 'CUIVRE_DEGROUPAGE', 'DSL_COLLECTE', 'FTTH_ACTIVE', 'FTTH_PASSIF', 'LFO'];

describe('loadCatalogue(catalog/)', () => {
  const catalogue = loadCatalogue(CATALOG_DIR);

  test('loads exactly the six offers', () => {
    expect([...catalogue.offers.keys()].sort()).toEqual(OFFER_CODES);
  });

  test.each(OFFER_CODES)('%s has its form version 1 and INTERRUPTION_TOTALE in defautDeclare', (code) => {
    const offer = catalogue.offers.get(code)!;
    expect(offer.code).toBe(code);
    expect(offer.formulaires).toEqual(
      expect.arrayContaining([expect.objectContaining({ idFormulaire: code, version: 1 })]),
    );
    expect(inNomenclature(offer.nomenclatures.defautDeclare, 'INTERRUPTION_TOTALE')).toBe(true);
    expect(offer.dateMiseEnPlace >= offer.dateCommercialisation).toBe(true);
    for (const g of offer.garanties) expect(catalogue.guarantees.has(g)).toBe(true);
  });

  test.each(OFFER_CODES)('%s: version 1 comes from its XSD, every field optional (deposits without champs keep working)', (code) => {
    const offer = catalogue.offers.get(code)!;
    const v1 = offer.formulaires.find((f) => f.version === 1)!;
    expect(v1.dateProduction <= offer.dateCommercialisation).toBe(true);
    expect(v1.champs.length).toBeGreaterThan(0);
    for (const field of v1.champs) {
      expect(field).toMatchObject({ code: expect.stringMatching(/^[A-Z_]+$/), libelle: expect.any(String), obligatoire: false });
    }
    expect(() => v1.checkChamps([])).not.toThrow();
    // every offer's form versions are read from catalog/formulaires/<id>/v<N>.xsd
    for (const f of offer.formulaires) {
      expect(fs.existsSync(path.join(CATALOG_DIR, 'formulaires', f.idFormulaire, `v${f.version}.xsd`))).toBe(true);
    }
  });

  test('FTTH_PASSIF has a version 2 (REF_PTO mandatory) and version 1 ends one month after its production', () => {
    const [v1, v2, ...more] = catalogue.offers.get('FTTH_PASSIF')!.formulaires;
    expect(more).toEqual([]);
    expect(v1).toMatchObject({ idFormulaire: 'FTTH_PASSIF', version: 1, finCoexistence: '2027-02-04' });
    expect(v2).toMatchObject({ idFormulaire: 'FTTH_PASSIF', version: 2, dateProduction: '2027-01-04', finCoexistence: null });
    expect(v2!.champs.find((c) => c.code === 'REF_PTO')?.obligatoire).toBe(true);
    // the other offers have one version, the current one
    for (const code of OFFER_CODES.filter((c) => c !== 'FTTH_PASSIF')) {
      expect(catalogue.offers.get(code)!.formulaires.map((f) => [f.version, f.finCoexistence])).toEqual([[1, null]]);
    }
  });

  test('the guarantees are read with their delays', () => {
    expect([...catalogue.guarantees.keys()].sort()).toEqual(['GTR_10HO', 'GTR_4HO', 'GTR_4H_24x7', 'GTR_STANDARD']);
    expect(catalogue.guarantees.get('GTR_4H_24x7')).toMatchObject({ delaiHeures: 4, heuresOuvrees: false });
    expect(catalogue.guarantees.get('GTR_10HO')).toMatchObject({ delaiHeures: 10, heuresOuvrees: true });
  });

  test('activated offers have tests, passive ones none', () => {
    expect(catalogue.offers.get('FTTH_PASSIF')!.offreActivee).toBe(false);
    expect(catalogue.offers.get('FTTH_PASSIF')!.tests.disponibles).toEqual([]);
    expect(catalogue.offers.get('FTTH_ACTIVE')!.offreActivee).toBe(true);
    expect(catalogue.offers.get('FTTH_ACTIVE')!.tests.disponibles.length).toBeGreaterThan(0);
  });

  test('FTTH signalisation is only available through web services', () => {
    expect(catalogue.offers.get('FTTH_PASSIF')!.canauxSignalisation).toEqual(['WS']);
  });
});

describe('loadCatalogue: broken catalogues', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-catalogue-'));
    fs.cpSync(CATALOG_DIR, dir, { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const offerFile = (code: string) => path.join(dir, 'offres', `${code}.yaml`);

  function edit(file: string, from: string | RegExp, to: string): void {
    const text = fs.readFileSync(file, 'utf8');
    const next = text.replace(from, to);
    expect(next).not.toBe(text);
    fs.writeFileSync(file, next);
  }

  /** 1-based line of the first line containing `needle`. */
  function lineOf(file: string, needle: string): number {
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(line).toBeGreaterThan(0);
    return line;
  }

  function loadError(): CatalogueError {
    const error = thrown(() => loadCatalogue(dir));
    expect(error).toBeInstanceOf(CatalogueError);
    return error as CatalogueError;
  }

  test('the copy itself loads (sanity)', () => {
    expect(loadCatalogue(dir).offers.size).toBe(6);
  });

  test('invalid YAML (bad indentation) names the file and the line', () => {
    const file = offerFile('FTTH_ACTIVE');
    edit(file, /\ntechnologie: FTTH/, '\n   technologie: FTTH');
    const error = loadError();
    expect(error.name).toBe('CatalogueError');
    // The YAML parser reports the mapping that the mis-indented key breaks: that line or the next.
    const line = lineOf(file, 'technologie');
    expect(error.message).toMatch(new RegExp(`${file}:(${line - 1}|${line}): YAML invalide`));
  });

  test('invalid YAML (duplicate key) names the file and the line', () => {
    const file = offerFile('LFO');
    edit(file, /\noffreActivee: false/, '\noffreActivee: false\noffreActivee: true');
    const error = loadError();
    expect(error.message).toContain(file);
    expect(error.message).toMatch(new RegExp(`:(${lineOf(file, 'offreActivee') + 1}):`));
  });

  test('a wrong type names the file, the line and the field', () => {
    const file = offerFile('CE2O');
    edit(file, /offreActivee: true/, 'offreActivee: oui');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'offreActivee')}`);
    expect(error.message).toContain('offreActivee');
  });

  test('invalid YAML in garanties.yaml names that file and line', () => {
    const file = path.join(dir, 'garanties.yaml');
    fs.writeFileSync(file, 'garanties:\n  - code: X\n    libelle: [unclosed\n');
    const error = loadError();
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/:\d+: YAML invalide/);
  });

  test('an unknown guarantee names the file, the line and the guarantee', () => {
    const file = offerFile('FTTH_ACTIVE');
    edit(file, '  - GTR_4HO', '  - GTR_INCONNUE');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'GTR_INCONNUE')}`);
    expect(error.message).toContain('GTR_INCONNUE');
  });

  test('a file name that is not the offer code names the file', () => {
    const wrong = path.join(dir, 'offres', 'FIBRE.yaml');
    fs.renameSync(offerFile('LFO'), wrong);
    const error = loadError();
    expect(error.message).toContain(wrong);
    expect(error.message).toContain('LFO.yaml');
  });

  test('a form version that is not an integer names the file and the field', () => {
    const file = offerFile('DSL_COLLECTE');
    edit(file, /version: 1\n/, 'version: "1"\n');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'version: "1"')}`);
    expect(error.message).toContain('formulaires[0].version');
  });

  test('a duplicated nomenclature code names the file and the line of the duplicate', () => {
    const file = offerFile('FTTH_PASSIF');
    edit(file, 'code: DEGRADATION', 'code: INTERRUPTION_TOTALE');
    const error = loadError();
    const second = fs.readFileSync(file, 'utf8').split('\n').findIndex((l, i, all) => l.includes('INTERRUPTION_TOTALE') && all.slice(0, i).some((x) => x.includes('INTERRUPTION_TOTALE'))) + 1;
    expect(error.message).toContain(`${file}:${second}`);
    expect(error.message).toContain('INTERRUPTION_TOTALE');
  });

  test('a set-up date less than one month after the marketing date names the file and line', () => {
    const file = offerFile('LFO');
    edit(file, 'dateMiseEnPlace: "2019-02-01"', 'dateMiseEnPlace: "2019-01-31"');
    const error = loadError();
    expect(error.message).toContain(`${file}:${lineOf(file, 'dateMiseEnPlace')}`);
    expect(error.message).toContain('2019-02-01');
  });

  test('a date that is not a calendar day names the file and line', () => {
    const file = offerFile('CE2O');
    edit(file, 'dateCommercialisation: "2019-01-01"', 'dateCommercialisation: "2019-02-30"');
    expect(loadError().message).toContain(`${file}:${lineOf(file, 'dateCommercialisation')}`);
  });

  test('an offer without any guarantee is refused', () => {
    const file = offerFile('LFO');
    edit(file, /garanties:\n  - GTR_10HO\n  - GTR_4H_24x7\n/, 'garanties: []\n');
    expect(loadError().message).toContain(`${file}:${lineOf(file, 'garanties: []')}`);
  });

  test('a set-up date before the marketing date names the file', () => {
    const file = offerFile('FTTH_PASSIF');
    edit(file, 'dateMiseEnPlace: "2019-02-01"', 'dateMiseEnPlace: "2018-12-01"');
    expect(loadError().message).toContain(`${file}:${lineOf(file, 'dateMiseEnPlace')}`);
  });

  test('a missing mandatory field names the line of its parent', () => {
    const file = offerFile('FTTH_PASSIF');
    edit(file, /\nlibelle: .*\n/, '\n');
    expect(loadError().message).toContain('libelle');
  });

  test('no offer at all is refused', () => {
    for (const f of fs.readdirSync(path.join(dir, 'offres'))) fs.rmSync(path.join(dir, 'offres', f));
    expect(loadError().message).toContain(path.join(dir, 'offres'));
  });

  // Decision 0012: catalogue text reaches the operators' answers, so XML 1.0 characters only.
  test('a control character in a libellé names the file, the line and the character', () => {
    const file = offerFile('FTTH_PASSIF');
    edit(file, 'libelle: Coupures intermittentes', 'libelle: Coupures\u0007 intermittentes');
    const message = loadError().message;
    expect(message).toContain(`${file}:${lineOf(file, 'Coupures')}: caractère interdit U+0007 (caractère de contrôle) en colonne 24`);
    expect(message).not.toContain('\u0007');
  });

  test.each([
    ['\\a', 'U+0007'],
    ['\\x1B', 'U+001B'],
    ['\\uFFFE', 'U+FFFE'],
    ['\\uD800', 'U+D800'],
  ])('a YAML escape %s making a refused character names the file and the line', (escape, label) => {
    const file = path.join(dir, 'garanties.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const libelle = /\n(\s+libelle: )(.*)\n/.exec(text)!;
    edit(file, libelle[0], `\n${libelle[1]}"avec ${escape} dedans"\n`);
    const message = loadError().message;
    expect(message).toContain(`${file}:${lineOf(file, 'dedans')}: valeur : caractère interdit ${label}`);
  });

  test('U+FFFF written raw in the file is refused too (a lone surrogate cannot be: UTF-8 has none)', () => {
    const file = offerFile('LFO');
    edit(file, /\nlibelle: /, '\nlibelle: \uFFFF');
    expect(loadError().message).toMatch(new RegExp(`${file}:${lineOf(file, '\uFFFF')}: caractère interdit U\\+FFFF \\(non-caractère\\)`));
  });
});

describe('catalogue rules (Europe/Paris calendar days)', () => {
  function form(overrides: Partial<FormVersion> = {}): FormVersion {
    return {
      idFormulaire: 'NOUVELLE',
      version: 1,
      dateProduction: '2026-03-29',
      finCoexistence: null,
      champs: [],
      checkChamps: () => undefined,
      ...overrides,
    };
  }

  function offer(overrides: Partial<Offer> = {}): Offer {
    return {
      code: 'NOUVELLE',
      libelle: 'Nouvelle offre',
      technologie: 'FTTH',
      offreActivee: false,
      dateCommercialisation: '2026-03-01',
      dateMiseEnPlace: '2026-04-01',
      canauxSignalisation: ['WS'],
      garanties: ['GTR_STANDARD'],
      tests: { disponibles: [], testPrealableRequis: false, validiteTestPrealableHeures: 48 },
      nomenclatures: { defautDeclare: [{ code: 'INTERRUPTION_TOTALE', libelle: 'x' }], localisationPresumee: [] },
      formulaires: [
        form({ version: 1, dateProduction: '2026-01-01', finCoexistence: '2026-04-30' }),
        form({ version: 2, dateProduction: '2026-03-30', finCoexistence: null }),
      ],
      ...overrides,
    };
  }

  test.each([
    ['2026-03-28T23:30:00Z', '2026-03-29'], // winter, +01:00: already the 29th in Paris
    ['2026-03-28T22:59:59Z', '2026-03-28'],
    ['2026-03-28T23:00:00Z', '2026-03-29'],
    ['2026-07-14T21:59:59Z', '2026-07-14'], // summer, +02:00
    ['2026-07-14T22:00:00Z', '2026-07-15'],
    ['2026-12-31T23:00:00Z', '2027-01-01'],
    ['2026-10-24T22:30:00Z', '2026-10-25'],
    ['2026-10-25T22:59:59Z', '2026-10-25'], // back to +01:00 after the change
  ])('parisDayOf(%s) = %s', (instant, expected) => {
    expect(parisDayOf(new Date(instant))).toBe(expected);
  });

  test('isOfferSetUp from the first minute of the set-up day in Paris', () => {
    const o = offer();
    expect(isOfferSetUp(o, new Date('2026-03-31T21:59:59Z'))).toBe(false); // 23:59:59 CEST, 31 March
    expect(isOfferSetUp(o, new Date('2026-03-31T22:00:00Z'))).toBe(true); // 00:00 CEST, 1 April
    expect(isOfferSetUp(o, new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });

  test('isFormVersionLive: from dateProduction included to finCoexistence excluded', () => {
    const f = form({ dateProduction: '2026-03-29', finCoexistence: '2026-04-30' });
    expect(isFormVersionLive(f, new Date('2026-03-28T22:59:59Z'))).toBe(false);
    expect(isFormVersionLive(f, new Date('2026-03-28T23:00:00Z'))).toBe(true);
    expect(isFormVersionLive(f, new Date('2026-04-29T21:59:59Z'))).toBe(true);
    expect(isFormVersionLive(f, new Date('2026-04-29T22:00:00Z'))).toBe(false);
  });

  test('isFormVersionLive: a current version (finCoexistence null) stays live', () => {
    expect(isFormVersionLive(form({ finCoexistence: null }), new Date('2099-01-01T00:00:00Z'))).toBe(true);
  });

  test('findLiveForm picks the right id and version, only while live', () => {
    const o = offer();
    const during = new Date('2026-04-10T10:00:00Z');
    expect(findLiveForm(o, 'NOUVELLE', 1, during)?.version).toBe(1);
    expect(findLiveForm(o, 'NOUVELLE', 2, during)?.version).toBe(2);
    expect(findLiveForm(o, 'NOUVELLE', 3, during)).toBeUndefined();
    expect(findLiveForm(o, 'AUTRE', 1, during)).toBeUndefined();
    // v2 before its production day, v1 after its end of coexistence
    expect(findLiveForm(o, 'NOUVELLE', 2, new Date('2026-03-29T21:59:59Z'))).toBeUndefined();
    expect(findLiveForm(o, 'NOUVELLE', 2, new Date('2026-03-29T22:00:00Z'))?.version).toBe(2);
    expect(findLiveForm(o, 'NOUVELLE', 1, new Date('2026-04-30T10:00:00Z'))).toBeUndefined();
  });

  test('inNomenclature', () => {
    const list = [
      { code: 'A', libelle: 'a' },
      { code: 'B', libelle: 'b' },
    ];
    expect(inNomenclature(list, 'A')).toBe(true);
    expect(inNomenclature(list, 'a')).toBe(false);
    expect(inNomenclature([], 'A')).toBe(false);
  });
});
