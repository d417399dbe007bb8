import path from 'node:path';
import { XmlDocument, XmlElement, XmlText } from 'libxml2-wasm';
import { EsavFault } from '../../src/domain/faults.js';
import { XSD_DIR } from '../../src/adapters/paths.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { escapeAttribute, escapeXml, faultEnvelope, responseEnvelope, XmlWriter } from '../../src/adapters/soap/writer.js';
import { COMMON_NS } from '../../src/adapters/soap/namespaces.js';
import { SOAP11 } from './_support/soap-messages.js';

function elementChildren(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = element.firstChild; node; node = node.next) if (node instanceof XmlElement) out.push(node);
  return out;
}

function only(element: XmlElement, name: string): XmlElement {
  const found = elementChildren(element).filter((e) => e.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

interface ParsedFault {
  doc: XmlDocument;
  envelope: XmlElement;
  fault: XmlElement;
  faultcode: XmlElement;
  faultstring: XmlElement;
  detail: XmlElement;
  erreur: XmlElement;
}

function parseFault(xml: string): ParsedFault {
  const doc = XmlDocument.fromString(xml);
  const envelope = doc.root;
  const body = only(envelope, 'Body');
  const fault = only(body, 'Fault');
  const faultcode = only(fault, 'faultcode');
  const faultstring = only(fault, 'faultstring');
  const detail = only(fault, 'detail');
  const erreur = only(detail, 'erreurESAV');
  return { doc, envelope, fault, faultcode, faultstring, detail, erreur };
}

function erreurFields(erreur: XmlElement): Record<string, string> {
  return Object.fromEntries(elementChildren(erreur).map((e) => [e.name, e.content]));
}

let commonSchema: CompiledSchema;
beforeAll(() => {
  commonSchema = CompiledSchema.compile(path.join(XSD_DIR, 'common', 'commun-v1.xsd'), XSD_DIR);
});
afterAll(() => commonSchema?.dispose());

describe('faultEnvelope (WS-I BP 1.1)', () => {
  test('a SOAP 1.1 Envelope/Body/Fault, and nothing else in the Body', () => {
    const p = parseFault(faultEnvelope(new EsavFault(101, 'Champ invalide', { champ: 'deposerSignalisation/impact' })));
    try {
      expect(p.envelope.name).toBe('Envelope');
      expect(p.envelope.namespaceUri).toBe(SOAP11);
      const body = only(p.envelope, 'Body');
      expect(body.namespaceUri).toBe(SOAP11);
      expect(elementChildren(body)).toHaveLength(1);
      expect(p.fault.namespaceUri).toBe(SOAP11);
      expect(elementChildren(p.envelope).map((e) => e.name)).toEqual(['Body']);
    } finally {
      p.doc.dispose();
    }
  });

  test('faultcode, faultstring and detail are unqualified and in this order', () => {
    const p = parseFault(faultEnvelope(new EsavFault(101)));
    try {
      expect(elementChildren(p.fault).map((e) => [e.name, e.namespaceUri])).toEqual([
        ['faultcode', ''],
        ['faultstring', ''],
        ['detail', ''],
      ]);
    } finally {
      p.doc.dispose();
    }
  });

  test.each([
    [101, 'Client'],
    [100, 'Client'],
    [201, 'Client'],
    [500, 'Server'],
    [402, 'Server'],
    [401, 'Server'],
    [321, 'Server'],
  ] as const)('fault %i → faultcode a QName bound to the SOAP 1.1 namespace with local part %s', (code, side) => {
    const p = parseFault(faultEnvelope(new EsavFault(code)));
    try {
      const qname = p.faultcode.content.trim();
      const [prefix, local] = qname.split(':');
      expect(local).toBe(side);
      expect(prefix).toBeTruthy();
      expect(p.faultcode.namespaceForPrefix(prefix!)).toBe(SOAP11);
      expect(qname).toBe(`soapenv:${side}`);
    } finally {
      p.doc.dispose();
    }
  });

  test('faultstring is the libelle', () => {
    const p = parseFault(faultEnvelope(new EsavFault(310, 'Signalisation SIG-1 inconnue')));
    try {
      expect(p.faultstring.content).toBe('Signalisation SIG-1 inconnue');
    } finally {
      p.doc.dispose();
    }
  });

  test('detail/erreurESAV is in urn:esav:commun:v1 with code, libelle, champ, reessayerApres', () => {
    const fault = new EsavFault(401, 'Trop de requêtes', { champ: 'enteteRequete/codeOperateur', reessayerApres: 30 });
    const p = parseFault(faultEnvelope(fault));
    try {
      expect(p.erreur.namespaceUri).toBe(COMMON_NS);
      expect(COMMON_NS).toBe('urn:esav:commun:v1');
      expect(elementChildren(p.erreur).map((e) => [e.name, e.namespaceUri])).toEqual([
        ['code', COMMON_NS],
        ['libelle', COMMON_NS],
        ['champ', COMMON_NS],
        ['reessayerApres', COMMON_NS],
      ]);
      expect(erreurFields(p.erreur)).toEqual({
        code: '401',
        libelle: 'Trop de requêtes',
        champ: 'enteteRequete/codeOperateur',
        reessayerApres: '30',
      });
      expect(() => commonSchema.validateElement(p.erreur)).not.toThrow();
    } finally {
      p.doc.dispose();
    }
  });

  test('optional champ and reessayerApres are omitted when undefined', () => {
    const p = parseFault(faultEnvelope(new EsavFault(500)));
    try {
      expect(elementChildren(p.erreur).map((e) => e.name)).toEqual(['code', 'libelle']);
      expect(erreurFields(p.erreur).code).toBe('500');
      expect(erreurFields(p.erreur).libelle).toBe(new EsavFault(500).libelle);
      expect(() => commonSchema.validateElement(p.erreur)).not.toThrow();
    } finally {
      p.doc.dispose();
    }
  });

  test('reessayerApres 0 is written (not taken for absent)', () => {
    const p = parseFault(faultEnvelope(new EsavFault(402, 'Maintenance', { reessayerApres: 0 })));
    try {
      expect(erreurFields(p.erreur).reessayerApres).toBe('0');
    } finally {
      p.doc.dispose();
    }
  });

  test('text with < & > and quotes is escaped and round-trips', () => {
    const nasty = `a < b && c > d "q" 'a' ]]> <script>é`;
    const xml = faultEnvelope(new EsavFault(101, nasty, { champ: `x<&>y` }));
    expect(xml).not.toContain('<script>');
    const p = parseFault(xml);
    try {
      expect(p.faultstring.content).toBe(nasty);
      expect(erreurFields(p.erreur)).toMatchObject({ libelle: nasty, champ: 'x<&>y' });
      expect(() => commonSchema.validateElement(p.erreur)).not.toThrow();
    } finally {
      p.doc.dispose();
    }
  });

  test('the fault starts with the XML declaration (UTF-8)', () => {
    expect(faultEnvelope(new EsavFault(100))).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>/);
  });

  test('every code of the contract gives a schema-valid erreurESAV', () => {
    for (const code of [100, 101, 102, 103, 200, 201, 202, 203, 300, 301, 302, 303, 304, 305, 310, 311, 312, 320, 321, 330, 331, 400, 401, 402, 500] as const) {
      const p = parseFault(faultEnvelope(new EsavFault(code)));
      try {
        expect(() => commonSchema.validateElement(p.erreur)).not.toThrow();
        expect(erreurFields(p.erreur).code).toBe(String(code));
      } finally {
        p.doc.dispose();
      }
    }
  });

  test('the erreurESAV validator does catch a broken detail (sanity)', () => {
    const xml = faultEnvelope(new EsavFault(101)).replace('<code>101</code>', '<code>abc</code>');
    const p = parseFault(xml);
    try {
      expect(() => commonSchema.validateElement(p.erreur)).toThrow(EsavFault);
    } finally {
      p.doc.dispose();
    }
  });
});

describe('responseEnvelope', () => {
  test('puts the header blocks in soapenv:Header and the payload in soapenv:Body', () => {
    const xml = responseEnvelope('<h xmlns="urn:h">1</h>', '<p xmlns="urn:p"><x>2</x></p>');
    const doc = XmlDocument.fromString(xml);
    try {
      expect(doc.root.namespaceUri).toBe(SOAP11);
      expect(elementChildren(doc.root).map((e) => e.name)).toEqual(['Header', 'Body']);
      const [header, body] = elementChildren(doc.root);
      expect(elementChildren(header!).map((e) => `{${e.namespaceUri}}${e.name}`)).toEqual(['{urn:h}h']);
      const payload = elementChildren(body!)[0]!;
      expect(`{${payload.namespaceUri}}${payload.name}`).toBe('{urn:p}p');
      expect(elementChildren(payload)[0]!.namespaceUri).toBe('urn:p');
    } finally {
      doc.dispose();
    }
  });
});

describe('XmlWriter', () => {
  test('open with a namespace declares it as the default namespace', () => {
    expect(new XmlWriter().open('a', 'urn:x').close('a').toString()).toBe('<a xmlns="urn:x"></a>');
    expect(new XmlWriter().open('a', 'urn:"x"&').close('a').toString()).toBe('<a xmlns="urn:&quot;x&quot;&amp;"></a>');
  });

  test('leaf writes strings, numbers, bigints and booleans; skips undefined and null', () => {
    const xml = new XmlWriter()
      .leaf('s', 'x')
      .leaf('n', 0)
      .leaf('b', false)
      .leaf('i', 12n)
      .leaf('e', '')
      .leaf('u', undefined)
      .leaf('z', null)
      .toString();
    expect(xml).toBe('<s>x</s><n>0</n><b>false</b><i>12</i><e></e>');
  });

  test('leaf escapes its text', () => {
    expect(new XmlWriter().leaf('t', 'a<b>&c').toString()).toBe('<t>a&lt;b&gt;&amp;c</t>');
  });

  test('element writes its body only for a defined value', () => {
    const write = (value: { v: string } | undefined | null) =>
      new XmlWriter().element('e', value, (w, x) => w.leaf('v', x.v)).toString();
    expect(write({ v: '1' })).toBe('<e><v>1</v></e>');
    expect(write(undefined)).toBe('');
    expect(write(null)).toBe('');
  });

  test('element writes an empty element for falsy but defined values', () => {
    expect(new XmlWriter().element('e', 0, (w, v) => w.raw(String(v))).toString()).toBe('<e>0</e>');
    expect(new XmlWriter().element('e', '', () => undefined).toString()).toBe('<e></e>');
  });

  test('each writes one element per item, none for an empty list', () => {
    const items = [{ c: 'A' }, { c: 'B' }];
    expect(new XmlWriter().each('i', items, (w, x) => w.leaf('c', x.c)).toString()).toBe('<i><c>A</c></i><i><c>B</c></i>');
    expect(new XmlWriter().each('i', [], () => undefined).toString()).toBe('');
  });

  test('each skips undefined and null items', () => {
    const items: Array<string | undefined | null> = ['a', undefined, null, 'b'];
    expect(new XmlWriter().each('i', items, (w, x) => w.raw(x!)).toString()).toBe('<i>a</i><i>b</i>');
  });

  test('a nested document written by the writer parses back to the same data', () => {
    const xml = new XmlWriter()
      .open('r', 'urn:r')
      .leaf('t', `<&>"'`)
      .each('l', ['1', '2'], (w, v) => w.leaf('v', v))
      .close('r')
      .toString();
    const doc = XmlDocument.fromString(xml);
    try {
      const kids = elementChildren(doc.root);
      expect(kids.map((e) => e.name)).toEqual(['t', 'l', 'l']);
      expect(kids.every((e) => e.namespaceUri === 'urn:r')).toBe(true);
      expect(kids[0]!.content).toBe(`<&>"'`);
      expect(kids[0]!.firstChild).toBeInstanceOf(XmlText);
    } finally {
      doc.dispose();
    }
  });

  test('escapeXml and escapeAttribute', () => {
    expect(escapeXml(`<a href="x">&amp;</a>`)).toBe('&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeAttribute(`"<&>`)).toBe('&quot;&lt;&amp;&gt;');
  });

  // Decision 0012: text stored before the rule (a SAV comment with U+0007…) must not break answers.
  test('text XML 1.0 refuses is written as U+FFFD: leaves, attributes and faults always parse', () => {
    const stored = 'Bonjour\u0007 <&> \u0000\uFFFE\uFFFF\uDC00\uD800😀\r\n';
    const written = 'Bonjour\uFFFD <&> \uFFFD\uFFFD\uFFFD\uFFFD\uFFFD😀\r\n';
    const xml = responseEnvelope(
      '',
      new XmlWriter().openPrefixed('p', 'r', 'urn:r', { a: stored }).leaf('texte', stored).closePrefixed('p', 'r').toString(),
    );
    expect(xml).not.toMatch(/[\u0000-\u0008\uFFFE\uFFFF]/);
    const doc = XmlDocument.fromString(xml);
    try {
      const payload = elementChildren(only(doc.root, 'Body'))[0]!;
      expect(payload.attrs.find((a) => a.name === 'a')?.value).toBe(written);
      expect(only(payload, 'texte').content).toBe(written);
    } finally {
      doc.dispose();
    }
    const p = parseFault(faultEnvelope(new EsavFault(300, stored, { champ: `x${stored}` })));
    try {
      expect(p.faultstring.content).toBe(written);
      expect(erreurFields(p.erreur)).toMatchObject({ libelle: written, champ: `x${written}` });
    } finally {
      p.doc.dispose();
    }
  });
});
