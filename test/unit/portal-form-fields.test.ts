// The portal's generated inputs (src/adapters/web-portal/form-fields.ts): XSD patterns translated to
// an HTML `pattern` only when the meaning is kept (checked against libxml2's own verdicts on the
// catalogue's forms), and each catalogue FormField type given the input that fits it.
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import type { FormField } from '../../src/domain/catalogue.js';
import { champValue, formFieldView, htmlPattern, xsdRegexToJs } from '../../src/adapters/web-portal/form-fields.js';
import { EsavFault } from '../../src/domain/faults.js';

/** What the browser does with a `pattern` attribute. */
const browserAccepts = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`, 'v').test(value);

const field = (over: Partial<FormField>): FormField => ({ code: 'X', libelle: 'X', obligatoire: false, type: 'text', typeXsd: 'string', espaces: 'preserve', ...over });

describe('XSD pattern → HTML pattern', () => {
  test.each([
    ['0[1-9][0-9]{8}', '0[1-9][0-9]{8}'],
    ['PTO-[0-9]{5}-[0-9]{6}', 'PTO-[0-9]{5}-[0-9]{6}'],
    // \d is any Unicode digit in XSD; `.` excludes CR/LF only; ^ and $ are ordinary characters.
    ['\\d{2}', '\\p{Nd}{2}'],
    ['a.b', 'a[^\\n\\r]b'],
    ['1$^', '1\\$\\^'],
    // Under the `v` flag `/` and `-` must be escaped inside a class.
    ['[^/]+(/[^/]+){3}', '[^\\/]+(/[^\\/]+){3}'],
    ['\\+?[0-9][0-9 .\\-]{5,24}', '\\+?[0-9][0-9 \\.\\-]{5,24}'],
  ])('%s → %s', (xsd, js) => {
    expect(xsdRegexToJs(xsd)).toBe(js);
  });

  test.each([
    ['\\i\\c*'], // XML name characters: no JavaScript equivalent
    ['[a-z-[aeiou]]'], // class subtraction
    ['\\p{IsBasicLatin}+'], // Unicode blocks
    ['\\w+'],
  ])('%s is not translated (no pattern: the server checks)', (xsd) => {
    expect(xsdRegexToJs(xsd)).toBeUndefined();
    expect(htmlPattern([[xsd]])).toBeUndefined();
  });

  test('alternatives within a group, and every group required', () => {
    const one = htmlPattern([['A[0-9]', 'B[0-9]']])!;
    expect(browserAccepts(one, 'A1')).toBe(true);
    expect(browserAccepts(one, 'B2')).toBe(true);
    expect(browserAccepts(one, 'C3')).toBe(false);
    const two = htmlPattern([['[A-Z0-9]{3}'], ['[0-9].*']])!;
    expect(browserAccepts(two, '1AB')).toBe(true);
    expect(browserAccepts(two, 'AB1')).toBe(false);
    expect(browserAccepts(two, '1ABC')).toBe(false);
  });

  test("the catalogue's form patterns agree with the schema's checks (libxml2) on sample values", () => {
    const catalogue = loadCatalogue(CATALOG_DIR);
    const samples = ['0140000001', '1140000001', 'PTO-12345-123456', 'PTO-1234-123456', 'a/b/c/d', 'a/b/c', 'ABCD0123ABCD', 'LIEN-1/TR_2', 'x y', 'é/à/ü/ö', '٠١٤٠٠٠٠٠٠١'];
    let compared = 0;
    for (const offer of catalogue.offers.values()) {
      for (const form of offer.formulaires) {
        for (const f of form.champs) {
          const pattern = htmlPattern(f.motifs);
          if (!pattern) continue;
          for (const sample of samples) {
            if (f.longueurMax !== undefined && sample.length > f.longueurMax) continue;
            let schemaAccepts = true;
            try {
              form.checkChamps([{ code: f.code, valeur: sample }]);
            } catch (error) {
              if (!(error instanceof EsavFault)) throw error;
              // Another field's fault (a mandatory one not sent) says nothing of this value.
              if (error.champ !== `champs/champ[code=${f.code}]`) continue;
              schemaAccepts = false;
            }
            expect([form.idFormulaire, f.code, sample, browserAccepts(pattern, sample)]).toEqual([form.idFormulaire, f.code, sample, schemaAccepts]);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});

describe('a catalogue field as an input', () => {
  test('enumeration → select with the values; boolean → Oui/Non', () => {
    const view = formFieldView(field({ type: 'enumeration', obligatoire: true, valeurs: [{ code: 'A', libelle: 'Alpha' }] }));
    expect(view).toMatchObject({ control: 'select', required: true, options: [{ code: 'A', libelle: 'Alpha' }], name: 'champ.X', id: 'f-champ-X' });
    expect(formFieldView(field({ type: 'boolean' })).options!.map((o) => o.code)).toEqual(['true', 'false']);
  });

  test('numbers: bounds (an exclusive integer bound moved by one), step from the fraction digits', () => {
    const integer = formFieldView(field({ type: 'integer', min: { valeur: '0', inclus: false }, max: { valeur: '99', inclus: true } }));
    expect(integer).toMatchObject({ inputType: 'number', attributes: { min: '1', max: '99', step: '1' } });
    const decimal = formFieldView(field({ type: 'decimal', decimalesMax: 2, min: { valeur: '0.5', inclus: false } }));
    expect(decimal.attributes).toEqual({ step: '0.01' });
  });

  test('dates and times, texts with lengths, long texts as a textarea, help text, complement without the mandatory mark', () => {
    expect(formFieldView(field({ type: 'date', min: { valeur: '2026-01-01', inclus: true } }))).toMatchObject({ inputType: 'date', attributes: { min: '2026-01-01' } });
    expect(formFieldView(field({ type: 'dateTime' })).inputType).toBe('datetime-local');
    expect(formFieldView(field({ type: 'time' })).inputType).toBe('time');
    expect(formFieldView(field({ longueurMin: 2, longueurMax: 10, motifs: [['[A-Z]+']], aide: 'Majuscules' }))).toMatchObject({
      control: 'input',
      inputType: 'text',
      attributes: { maxlength: '10', minlength: '2', pattern: '[A-Z]+' },
      help: 'Majuscules',
    });
    expect(formFieldView(field({ longueurMax: 1000 })).control).toBe('textarea');
    expect(formFieldView(field({ obligatoire: true }), { required: false }).required).toBe(false);
  });

  test('submitted values in the lexical form of the contract', () => {
    expect(champValue(field({ type: 'dateTime', espaces: 'collapse' }), '2026-11-02T08:30')).toBe('2026-11-02T08:30:00');
    expect(champValue(field({ type: 'time', espaces: 'collapse' }), '08:30')).toBe('08:30:00');
    expect(champValue(field({ espaces: 'collapse' }), '  a   b ')).toBe('a b');
    expect(champValue(field({ espaces: 'preserve' }), '  a ')).toBe('  a ');
  });
});
