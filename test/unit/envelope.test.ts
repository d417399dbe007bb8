import { EsavFault } from '../../src/domain/faults.js';
import { clark, parseEnvelope, toPlain, type ParsedEnvelope } from '../../src/adapters/soap/envelope.js';
import { textContent } from '../../src/adapters/soap/message-tree.js';
import { SOAP11_NS, SOAP12_NS } from '../../src/adapters/soap/namespaces.js';
import {
  COM,
  consulterEtat,
  deposerSignalisation,
  enteteRequete,
  envelope,
  SIG,
  SOAP11,
  SOAP12,
  thrown,
  utf8,
} from './_support/soap-messages.js';

function faultOf(xml: string | Uint8Array): EsavFault {
  const error = thrown(() => {
    const parsed = parseEnvelope(typeof xml === 'string' ? utf8(xml) : xml);
    parsed.doc.dispose();
  });
  expect(error).toBeInstanceOf(EsavFault);
  return error as EsavFault;
}

/** Parses, runs `fn` on the result, always disposes the document. */
function withEnvelope<T>(xml: string, fn: (parsed: ParsedEnvelope) => T): T {
  const parsed = parseEnvelope(utf8(xml));
  try {
    return fn(parsed);
  } finally {
    parsed.doc.dispose();
  }
}

describe('parseEnvelope', () => {
  test('the namespace constants are the SOAP 1.1 and 1.2 ones', () => {
    expect(SOAP11_NS).toBe(SOAP11);
    expect(SOAP12_NS).toBe(SOAP12);
  });

  test('a SOAP 1.1 envelope gives its header blocks and single payload', () => {
    withEnvelope(envelope(deposerSignalisation(), enteteRequete({ idCorrelation: 'c-1' })), ({ headers, payload }) => {
      expect(headers).toHaveLength(1);
      expect(clark(headers[0]!)).toBe(`{${COM}}enteteRequete`);
      expect(payload.name).toBe('deposerSignalisation');
      expect(payload.namespaceUri).toBe(SIG);
      expect(clark(payload)).toBe(`{${SIG}}deposerSignalisation`);
    });
  });

  test('an envelope without soap:Header has no header blocks', () => {
    withEnvelope(envelope(consulterEtat(), null), ({ headers, payload }) => {
      expect(headers).toEqual([]);
      expect(payload.name).toBe('consulterEtatSignalisation');
    });
  });

  test('whitespace, comments, a declaration and other prefixes are accepted', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<S:Envelope xmlns:S="${SOAP11}">\n  <!-- c -->\n  <S:Header/>\n  <S:Body>\n    ` +
      `<consulterEtatSignalisation xmlns="${SIG}"><referenceSignalisation>SIG-1</referenceSignalisation></consulterEtatSignalisation>\n` +
      '  </S:Body>\n</S:Envelope>\n';
    withEnvelope(xml, ({ headers, payload }) => {
      expect(headers).toEqual([]);
      expect(clark(payload)).toBe(`{${SIG}}consulterEtatSignalisation`);
    });
  });

  test('a SOAP 1.2 envelope → 100 naming SOAP 1.2', () => {
    const fault = faultOf(envelope(consulterEtat(), enteteRequete(), SOAP12));
    expect(fault.code).toBe(100);
    expect(fault.libelle).toMatch(/1\.2/);
  });

  test('a root other than soap:Envelope → 100', () => {
    expect(faultOf(consulterEtat()).code).toBe(100);
    expect(faultOf(`<Envelope><Body>${consulterEtat()}</Body></Envelope>`).code).toBe(100);
    expect(faultOf(`<x:Envelope xmlns:x="urn:other"><x:Body>${consulterEtat()}</x:Body></x:Envelope>`).code).toBe(100);
  });

  test('missing soap:Body → 100', () => {
    expect(faultOf(`<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Header/></soapenv:Envelope>`).code).toBe(100);
    expect(faultOf(`<soapenv:Envelope xmlns:soapenv="${SOAP11}"/>`).code).toBe(100);
  });

  test('a Body in another namespace → 100', () => {
    const xml = `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><Body>${consulterEtat()}</Body></soapenv:Envelope>`;
    expect(faultOf(xml).code).toBe(100);
  });

  test('two payload elements in the Body → 100', () => {
    expect(faultOf(envelope(consulterEtat() + consulterEtat())).code).toBe(100);
  });

  test('an empty Body → 100', () => {
    expect(faultOf(envelope('')).code).toBe(100);
  });

  test('non-whitespace text in the Body → 100', () => {
    expect(faultOf(envelope('hello' + consulterEtat())).code).toBe(100);
    expect(faultOf(envelope(consulterEtat() + ' trailing ')).code).toBe(100);
  });

  test('non-whitespace text directly in the Envelope → 100', () => {
    const xml = `<soapenv:Envelope xmlns:soapenv="${SOAP11}">text<soapenv:Body>${consulterEtat()}</soapenv:Body></soapenv:Envelope>`;
    expect(faultOf(xml).code).toBe(100);
  });

  test('an element after the Body → 100', () => {
    const xml =
      `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Body>${consulterEtat()}</soapenv:Body>` +
      `<trailer/></soapenv:Envelope>`;
    expect(faultOf(xml).code).toBe(100);
  });

  test('a Header after the Body → 100', () => {
    const xml =
      `<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Body>${consulterEtat()}</soapenv:Body>` +
      `<soapenv:Header/></soapenv:Envelope>`;
    expect(faultOf(xml).code).toBe(100);
  });

  test('XML that is not well formed → 100', () => {
    expect(faultOf(`<soapenv:Envelope xmlns:soapenv="${SOAP11}"><soapenv:Body>`).code).toBe(100);
    expect(faultOf('<a><b></a></b>').code).toBe(100);
    expect(faultOf('not xml at all').code).toBe(100);
    expect(faultOf(envelope('<sig:x xmlns:sig="u">&undefined;</sig:x>')).code).toBe(100);
    expect(faultOf(envelope('<undeclared:x/>')).code).toBe(100);
  });

  test('the not-well-formed libelle gives the line, never a file path', () => {
    const fault = faultOf(`<soapenv:Envelope xmlns:soapenv="${SOAP11}">\n<soapenv:Body>\n<a></b>\n</soapenv:Body></soapenv:Envelope>`);
    expect(fault.code).toBe(100);
    expect(fault.libelle).toMatch(/ligne 3/);
    expect(fault.libelle).not.toMatch(/\/work|node_modules/);
  });

  test('an unknown header block with soapenv:mustUnderstand="1" → 100', () => {
    const header = `<x:trace xmlns:x="urn:unknown" soapenv:mustUnderstand="1">t</x:trace>`;
    const fault = faultOf(envelope(consulterEtat(), enteteRequete() + header));
    expect(fault.code).toBe(100);
    expect(fault.libelle).toContain('{urn:unknown}trace');
  });

  test('an unqualified header block with mustUnderstand="1" → 100', () => {
    const header = `<trace soapenv:mustUnderstand="1">t</trace>`;
    expect(faultOf(envelope(consulterEtat(), header)).code).toBe(100);
  });

  test('an unknown header block without mustUnderstand (or with "0") is ignored', () => {
    const headers =
      enteteRequete() +
      `<x:trace xmlns:x="urn:unknown">t</x:trace>` +
      `<y:other xmlns:y="urn:unknown2" soapenv:mustUnderstand="0"/>`;
    withEnvelope(envelope(consulterEtat(), headers), ({ headers: blocks, payload }) => {
      expect(blocks.map(clark)).toEqual([`{${COM}}enteteRequete`, '{urn:unknown}trace', '{urn:unknown2}other']);
      expect(payload.name).toBe('consulterEtatSignalisation');
    });
  });

  test('a mustUnderstand attribute outside the SOAP 1.1 namespace does not count', () => {
    const header = `<x:trace xmlns:x="urn:unknown" mustUnderstand="1"/>`;
    withEnvelope(envelope(consulterEtat(), header), ({ headers }) => expect(headers).toHaveLength(1));
  });

  test('entity references are not substituted from a DTD and no file is read', () => {
    // Reaches the parser only if the guard is bypassed: still no external entity resolution.
    const xml =
      '<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
      envelope(consulterEtat('<sig:referenceSignalisation>&x;</sig:referenceSignalisation>'));
    let text = '';
    try {
      withEnvelope(xml, ({ payload }) => {
        text = textContent(payload.node) + JSON.stringify(toPlain(payload));
      });
    } catch (error) {
      expect(error).toBeInstanceOf(EsavFault);
    }
    expect(text).not.toMatch(/root:/);
  });
});

describe('toPlain', () => {
  test('leaves are strings, keys are local names, repeated children become arrays', () => {
    const payload = deposerSignalisation({
      champs:
        '<sig:champs>' +
        '<sig:champ><sig:code>A</sig:code><sig:valeur>1</sig:valeur></sig:champ>' +
        '<sig:champ><sig:code>B</sig:code><sig:valeur>2</sig:valeur></sig:champ>' +
        '<sig:champ><sig:code>C</sig:code><sig:valeur>3</sig:valeur></sig:champ>' +
        '</sig:champs>',
    });
    const plain = withEnvelope(envelope(payload), ({ payload: p }) => toPlain(p));
    expect(plain).toMatchObject({
      offre: 'FTTH_PASSIF',
      formulaire: { idFormulaire: 'FTTH_PASSIF', version: '1' },
      contactSite: { nom: 'Mme Martin', telephone: '+33 1 23 45 67 89' },
      champs: {
        champ: [
          { code: 'A', valeur: '1' },
          { code: 'B', valeur: '2' },
          { code: 'C', valeur: '3' },
        ],
      },
    });
    expect(Object.keys(plain)).not.toContain('sig:offre');
  });

  test('a single child stays an object (not an array)', () => {
    const plain = withEnvelope(envelope(deposerSignalisation()), ({ payload }) => toPlain(payload));
    expect(plain).toMatchObject({ champs: { champ: { code: 'REF_PTO', valeur: 'PTO-42' } } });
  });

  test('two repeated children give a two-element array', () => {
    const xml = envelope(`<r xmlns="urn:t"><i>1</i><j>x</j><i>2</i></r>`);
    const plain = withEnvelope(xml, ({ payload }) => toPlain(payload));
    expect(plain).toEqual({ i: ['1', '2'], j: 'x' });
  });

  test('entities and character references are decoded', () => {
    const xml = envelope(`<r xmlns="urn:t"><t>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233;&#x20AC;</t></r>`);
    expect(withEnvelope(xml, ({ payload }) => toPlain(payload))).toEqual({ t: `a & b <c> "d" 'e' é€` });
  });

  test('CDATA is read as text (also mixed with plain text)', () => {
    const xml = envelope(`<r xmlns="urn:t"><t><![CDATA[<b>x</b> & y]]></t><u>a<![CDATA[<]]>b</u></r>`);
    expect(withEnvelope(xml, ({ payload }) => toPlain(payload))).toEqual({ t: '<b>x</b> & y', u: 'a<b' });
  });

  test('an empty element is the empty string; a leaf payload is its text', () => {
    const xml = envelope(`<r xmlns="urn:t"><e/><f></f></r>`);
    expect(withEnvelope(xml, ({ payload }) => toPlain(payload))).toEqual({ e: '', f: '' });
    expect(withEnvelope(envelope(`<r xmlns="urn:t">just text</r>`), ({ payload }) => toPlain(payload))).toBe('just text');
  });

  test('whitespace of leaves is preserved', () => {
    const xml = envelope(`<r xmlns="urn:t"><t>  spaced  </t></r>`);
    expect(withEnvelope(xml, ({ payload }) => toPlain(payload))).toEqual({ t: '  spaced  ' });
  });
});

describe('clark', () => {
  test('gives {namespace}localName', () => {
    withEnvelope(envelope(`<p:x xmlns:p="urn:a"><y/></p:x>`), ({ payload }) => {
      expect(clark(payload)).toBe('{urn:a}x');
    });
    // An element in no namespace: {} (its namespaceUri is '').
    withEnvelope(envelope(`<y><z/></y>`), ({ payload }) => {
      expect(payload.namespaceUri).toBe('');
      expect(clark(payload)).toBe('{}y');
    });
  });
});
