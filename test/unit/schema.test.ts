import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EsavFault } from '../../src/domain/faults.js';
import { XSD_DIR } from '../../src/adapters/paths.js';
import { parseEnvelope } from '../../src/adapters/soap/envelope.js';
import { CompiledSchema, fieldPath } from '../../src/adapters/soap/schema-registry.js';
import { consulterEtat, deposerSignalisation, enteteRequete, envelope, thrown, utf8 } from './_support/soap-messages.js';

const SIGNALISATION_XSD = path.join(XSD_DIR, 'v1', 'signalisation-v1.xsd');

let schema: CompiledSchema;
beforeAll(() => {
  schema = CompiledSchema.compile(SIGNALISATION_XSD, XSD_DIR);
});
afterAll(() => {
  schema?.dispose();
});

/** Validates the payload (or the first header block) of a full envelope; returns the fault or null. */
function validate(xml: string, which: 'payload' | 'header' = 'payload'): EsavFault | null {
  const parsed = parseEnvelope(utf8(xml));
  try {
    const element = which === 'payload' ? parsed.payload : parsed.headers[0]!;
    schema.validateElement(element);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(EsavFault);
    return error as EsavFault;
  } finally {
    parsed.doc.dispose();
  }
}

function invalidDeposit(overrides: Record<string, string | null>): EsavFault {
  const fault = validate(envelope(deposerSignalisation(overrides)));
  expect(fault).not.toBeNull();
  expect(fault!.code).toBe(101);
  return fault!;
}

describe('signalisation v1 schema: valid messages', () => {
  test('a full deposerSignalisation payload passes', () => {
    expect(validate(envelope(deposerSignalisation()))).toBeNull();
  });

  test('a minimal deposerSignalisation payload passes', () => {
    const minimal = deposerSignalisation({
      dateDebutDefaut: null,
      localisationPresumee: null,
      accesSite: null,
      commentaire: null,
      champs: null,
      idDemandeTest: null,
      contactOC: '<sig:contactOC><sig:nom>SAV</sig:nom><sig:telephone>0102030405</sig:telephone></sig:contactOC>',
    });
    expect(validate(envelope(minimal))).toBeNull();
  });

  test('a commentaire of exactly 2000 characters passes', () => {
    expect(validate(envelope(deposerSignalisation({ commentaire: `<sig:commentaire>${'é'.repeat(2000)}</sig:commentaire>` })))).toBeNull();
  });

  test('consulterEtatSignalisation by either key passes', () => {
    expect(validate(envelope(consulterEtat()))).toBeNull();
    expect(validate(envelope(consulterEtat('<sig:referenceInterneOC>TT/2026#1</sig:referenceInterneOC>')))).toBeNull();
  });

  test('the enteteRequete header block validates against the imported common schema', () => {
    expect(validate(envelope(consulterEtat(), enteteRequete({ idCorrelation: 'corr-1' })), 'header')).toBeNull();
  });
});

describe('signalisation v1 schema: invalid messages → 101 naming the field', () => {
  test('a bad telephone names deposerSignalisation/contactSite/telephone', () => {
    const fault = invalidDeposit({
      contactSite: '<sig:contactSite><sig:nom>X</sig:nom><sig:telephone>call me</sig:telephone></sig:contactSite>',
    });
    expect(fault.champ).toBe('deposerSignalisation/contactSite/telephone');
    expect(fault.side).toBe('Client');
  });

  // A mandatory element missing in the middle of the sequence: the operator must read which
  // field to add (libxml2 reports the next sibling as "not expected. Expected is ( X )").
  test.each(['referenceInterneOC', 'offre', 'defautDeclare'])('a missing %s names the missing field', (name) => {
    const fault = invalidDeposit({ [name]: null });
    expect(fault.champ).toBe(`deposerSignalisation/${name}`);
  });

  test('a missing last mandatory child names the missing field', () => {
    const fault = validate(
      envelope(
        deposerSignalisation({
          contactOC: '<sig:contactOC><sig:nom>SAV</sig:nom></sig:contactOC>',
        }),
      ),
    );
    expect(fault?.code).toBe(101);
    expect(fault?.champ).toBe('deposerSignalisation/contactOC/telephone');
  });

  test('a commentaire of 2001 characters names deposerSignalisation/commentaire', () => {
    const fault = invalidDeposit({ commentaire: `<sig:commentaire>${'x'.repeat(2001)}</sig:commentaire>` });
    expect(fault.champ).toBe('deposerSignalisation/commentaire');
  });

  test('an impact outside the enumeration lists the allowed values, without namespaces', () => {
    const fault = invalidDeposit({ impact: '<sig:impact>PARTIEL</sig:impact>' });
    expect(fault.champ).toBe('deposerSignalisation/impact');
    expect(fault.libelle).toContain("'TOTAL'");
    expect(fault.libelle).toContain("'DEGRADE'");
    expect(fault.libelle).toContain("'INTERMITTENT'");
    expect(fault.libelle).not.toContain('{urn:esav');
    expect(fault.libelle.length).toBeLessThanOrEqual(300);
  });

  test('a bad formulaire/version names the nested field', () => {
    const fault = invalidDeposit({
      formulaire: '<sig:formulaire><sig:idFormulaire>FTTH_PASSIF</sig:idFormulaire><sig:version>0</sig:version></sig:formulaire>',
    });
    expect(fault.champ).toBe('deposerSignalisation/formulaire/version');
  });

  test('a bad field of the second repeated champ keeps its position', () => {
    const fault = invalidDeposit({
      champs:
        '<sig:champs><sig:champ><sig:code>A</sig:code><sig:valeur>1</sig:valeur></sig:champ>' +
        '<sig:champ><sig:code>not a code!</sig:code><sig:valeur>2</sig:valeur></sig:champ></sig:champs>',
    });
    expect(fault.champ).toBe('deposerSignalisation/champs/champ[2]/code');
  });

  test('elements out of order are refused', () => {
    const fault = invalidDeposit({
      offre: null,
      identifiantPrestation: '<sig:identifiantPrestation>FI-1</sig:identifiantPrestation><sig:offre>FTTH_PASSIF</sig:offre>',
    });
    expect(fault.champ).toMatch(/^deposerSignalisation\//);
  });

  test('an unknown element is refused', () => {
    const fault = invalidDeposit({ extra: '<sig:priorite>HAUTE</sig:priorite>' });
    expect(fault.champ).toMatch(/^deposerSignalisation\/priorite$/);
  });

  test('an unqualified child (elementFormDefault qualified) is refused', () => {
    const fault = invalidDeposit({ offre: '<offre xmlns="">FTTH_PASSIF</offre>' });
    expect(fault.champ).toBe('deposerSignalisation/offre');
  });

  test('both keys of the choice are refused', () => {
    const fault = validate(
      envelope(
        consulterEtat(
          '<sig:referenceSignalisation>SIG-1</sig:referenceSignalisation><sig:referenceInterneOC>X</sig:referenceInterneOC>',
        ),
      ),
    );
    expect(fault?.code).toBe(101);
    expect(fault?.champ).toBe('consulterEtatSignalisation/referenceInterneOC');
  });

  test('an empty choice is refused', () => {
    const fault = validate(envelope(consulterEtat('')));
    expect(fault?.code).toBe(101);
    expect(fault?.champ).toMatch(/^consulterEtatSignalisation/);
  });

  test('a bad codeOperateur in the header names enteteRequete/codeOperateur', () => {
    const fault = validate(envelope(consulterEtat(), enteteRequete({ codeOperateur: 'op' })), 'header');
    expect(fault?.code).toBe(101);
    expect(fault?.champ).toBe('enteteRequete/codeOperateur');
  });

  test('a bad horodatageRequete names enteteRequete/horodatageRequete', () => {
    const fault = validate(envelope(consulterEtat(), enteteRequete({ horodatageRequete: '10/03/2026' })), 'header');
    expect(fault?.champ).toBe('enteteRequete/horodatageRequete');
  });

  test('a long libelle is cut to 300 characters without splitting a character (no lone surrogate)', () => {
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const value of ['😀'.repeat(200), 'A' + '😀'.repeat(200)]) {
      const fault = validate(envelope(consulterEtat(`<sig:referenceSignalisation>${value}</sig:referenceSignalisation>`)));
      expect(fault?.code).toBe(101);
      expect(fault!.libelle.length).toBeLessThanOrEqual(300);
      expect(fault!.libelle.endsWith('…')).toBe(true);
      expect(loneSurrogate.test(fault!.libelle)).toBe(false);
    }
  });

  test('the libelle never carries a file path', () => {
    const fault = invalidDeposit({ impact: '<sig:impact>PARTIEL</sig:impact>' });
    expect(fault.libelle).not.toContain(XSD_DIR);
    expect(fault.libelle).not.toMatch(/\.xsd/);
  });
});

describe('fieldPath', () => {
  test.each([
    ['/soapenv:Envelope/soapenv:Body/sig:deposerSignalisation/sig:contactSite/sig:telephone', 'deposerSignalisation/contactSite/telephone'],
    ['/S:Envelope/S:Body/sig:op/sig:a[2]/sig:b', 'op/a[2]/b'],
    ['/soapenv:Envelope/soapenv:Header/com:enteteRequete/com:codeOperateur', 'enteteRequete/codeOperateur'],
    ['/sig:deposerSignalisation/sig:offre', 'deposerSignalisation/offre'],
    ['/deposerSignalisation/offre', 'deposerSignalisation/offre'],
    ['/soapenv:Envelope', 'Envelope'],
    ['/Envelope/Other/x', 'Envelope/Other/x'],
    ['', ''],
  ])('%s → %s', (xpath, expected) => {
    expect(fieldPath(xpath)).toBe(expected);
  });
});

describe('every XSD of the project compiles in libxml2-wasm', () => {
  function xsdFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return xsdFiles(full);
      return entry.name.endsWith('.xsd') ? [full] : [];
    });
  }
  const files = xsdFiles(XSD_DIR);

  test('there are XSD files, including the common and signalisation v1 ones', () => {
    expect(files.map((f) => path.relative(XSD_DIR, f).split(path.sep).join('/'))).toEqual(
      expect.arrayContaining(['common/commun-v1.xsd', 'v1/signalisation-v1.xsd']),
    );
  });

  test.each(files.map((f) => [path.relative(XSD_DIR, f), f]))('%s', (_name, file) => {
    const compiled = CompiledSchema.compile(file, XSD_DIR);
    expect(compiled.file).toBe(path.resolve(file));
    compiled.dispose();
  });
});

test('a broken schema fails to compile with its file name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-xsd-test-'));
  try {
    const file = path.join(dir, 'broken.xsd');
    fs.writeFileSync(
      file,
      '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="xs:unknownType"/></xs:schema>',
    );
    const error = thrown(() => CompiledSchema.compile(file, dir));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('broken.xsd');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
