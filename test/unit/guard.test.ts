import { EsavFault } from '../../src/domain/faults.js';
import { DEFAULT_GUARD_LIMITS, guardRequestBody, type GuardLimits } from '../../src/adapters/soap/guard.js';
import { consulterEtat, deposerSignalisation, envelope, thrown, utf8 } from './_support/soap-messages.js';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function faultCode(body: Uint8Array, limits?: GuardLimits): number {
  const error = thrown(() => guardRequestBody(body, limits));
  expect(error).toBeInstanceOf(EsavFault);
  return (error as EsavFault).code;
}

const nested = (depth: number, leaf = ''): string => '<a>'.repeat(depth) + leaf + '</a>'.repeat(depth);

describe('guardRequestBody: accepted messages', () => {
  const normal = envelope(deposerSignalisation());

  test('a normal envelope without XML declaration', () => {
    expect(() => guardRequestBody(utf8(normal))).not.toThrow();
  });

  test('a normal envelope with the XML declaration', () => {
    expect(() => guardRequestBody(utf8(XML_DECL + normal))).not.toThrow();
    expect(() => guardRequestBody(utf8(`<?xml version='1.0'?>\n` + normal))).not.toThrow();
  });

  test('a UTF-8 byte order mark before the declaration or the root', () => {
    expect(() => guardRequestBody(Buffer.concat([BOM, utf8(XML_DECL + normal)]))).not.toThrow();
    expect(() => guardRequestBody(Buffer.concat([BOM, utf8(normal)]))).not.toThrow();
  });

  test('comments and CDATA sections containing < and > (and markup-like text)', () => {
    const payload = consulterEtat(
      '<!-- a <comment> with <!DOCTYPE x> and <?pi?> inside -->' +
        '<sig:referenceSignalisation><![CDATA[<not-a-tag> <!ENTITY x "y"> <?pi?> ]]></sig:referenceSignalisation>',
    );
    expect(() => guardRequestBody(utf8(XML_DECL + '<!-- leading comment -->' + envelope(payload)))).not.toThrow();
  });

  test('attribute values containing > and / (double and single quotes)', () => {
    const body = `<root a="x > y" b='1 > 0' c="/"><child d="a/>b">text &gt; more</child></root>`;
    // With maxDepth 2 the body passes only if '>' inside the values is not taken as the tag end
    // and "/" in a value is not taken for a self-closing tag.
    expect(() => guardRequestBody(utf8(body), { ...DEFAULT_GUARD_LIMITS, maxDepth: 2 })).not.toThrow();
    // A '>' inside the value of a self-closing tag: taken for the tag end, each <e> would look
    // like an open element and the depth would climb past the limit.
    const selfClosing = `<r>${`<e t="1 > 0"/><f t='a>b' />`.repeat(5)}</r>`;
    expect(() => guardRequestBody(utf8(selfClosing), { ...DEFAULT_GUARD_LIMITS, maxDepth: 2 })).not.toThrow();
  });

  test('non-ASCII UTF-8 text (accents, emoji)', () => {
    expect(() => guardRequestBody(utf8(envelope(consulterEtat('<x>Prénom Æ 😀</x>'))))).not.toThrow();
  });

  test('a body of exactly maxBytes bytes', () => {
    const body = utf8('<a>' + 'x'.repeat(93) + '</a>');
    expect(body.length).toBe(100);
    expect(() => guardRequestBody(body, { maxBytes: 100, maxDepth: 5, maxElements: 5 })).not.toThrow();
  });

  test('exactly maxElements elements', () => {
    const body = utf8('<r>' + '<e/>'.repeat(9) + '</r>');
    expect(() => guardRequestBody(body, { maxBytes: 10_000, maxDepth: 5, maxElements: 10 })).not.toThrow();
  });
});

describe('guardRequestBody: forbidden constructs → 100', () => {
  const payload = deposerSignalisation();

  test('DOCTYPE with an internal subset (entity expansion bomb)', () => {
    const body =
      XML_DECL +
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' +
      envelope(consulterEtat('<sig:referenceSignalisation>&lol2;</sig:referenceSignalisation>'));
    expect(faultCode(utf8(body))).toBe(100);
  });

  test('DOCTYPE with SYSTEM "file:///etc/passwd" (XXE)', () => {
    const body = XML_DECL + '<!DOCTYPE foo SYSTEM "file:///etc/passwd">' + envelope(payload);
    expect(faultCode(utf8(body))).toBe(100);
  });

  test('DOCTYPE with a PUBLIC identifier and URL', () => {
    const body =
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">' +
      envelope(payload);
    expect(faultCode(utf8(body))).toBe(100);
  });

  test('lower-case doctype', () => {
    expect(faultCode(utf8('<!doctype x>' + envelope(payload)))).toBe(100);
  });

  test('a bare <!ENTITY declaration (outside any DOCTYPE)', () => {
    const body = envelope(consulterEtat('<!ENTITY xxe SYSTEM "file:///etc/passwd">'));
    expect(faultCode(utf8(body))).toBe(100);
  });

  test('a processing instruction other than the XML declaration', () => {
    expect(faultCode(utf8(XML_DECL + '<?xml-stylesheet href="x.xsl"?>' + envelope(payload)))).toBe(100);
    expect(faultCode(utf8(envelope(consulterEtat('<?php echo 1; ?>'))))).toBe(100);
  });

  test('an XML declaration that is not at the very start', () => {
    expect(faultCode(utf8(' ' + XML_DECL + envelope(payload)))).toBe(100);
    expect(faultCode(utf8(envelope(payload) + XML_DECL))).toBe(100);
  });

  test('invalid UTF-8 bytes inside an element', () => {
    const body = Buffer.concat([
      utf8(envelope(consulterEtat('<sig:referenceSignalisation>'))),
      Buffer.from([0xff, 0xfe]),
      utf8('</sig:referenceSignalisation>'),
    ]);
    expect(faultCode(body)).toBe(100);
  });

  test('ISO-8859-1 encoded accents (not UTF-8)', () => {
    const body = Buffer.concat([utf8('<a>Pr'), Buffer.from([0xe9]), utf8('nom</a>')]);
    expect(faultCode(body)).toBe(100);
  });

  test('UTF-16 and UTF-32 text without a byte order mark (NUL bytes are valid UTF-8): a DOCTYPE the byte scan would not see', () => {
    const text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + envelope(consulterEtat('<x>&a;</x>'));
    const utf16le = Buffer.from(text, 'utf16le');
    const utf16be = Buffer.from(text, 'utf16le').swap16();
    const utf32le = Buffer.alloc(text.length * 4);
    for (let i = 0; i < text.length; i++) utf32le.writeUInt32LE(text.charCodeAt(i), i * 4);
    for (const body of [utf16le, utf16be, utf32le]) expect(faultCode(body)).toBe(100);
    // With a byte order mark UTF-16 is already invalid UTF-8.
    expect(faultCode(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]))).toBe(100);
  });

  test('a NUL byte anywhere', () => {
    expect(faultCode(Buffer.concat([utf8(envelope(consulterEtat('<x>a'))), Buffer.from([0]), utf8('b</x>')]))).toBe(100);
  });

  test('an XML declaration naming another encoding than UTF-8', () => {
    for (const encoding of ['ISO-8859-1', 'UTF-16', 'UCS-4', 'IBM037', 'UTF-7', '']) {
      expect(faultCode(utf8(`<?xml version="1.0" encoding="${encoding}"?>` + envelope(payload)))).toBe(100);
    }
    expect(faultCode(utf8(`<?xml version='1.0' encoding='latin1' standalone='yes'?>` + envelope(payload)))).toBe(100);
    for (const accepted of ['UTF-8', 'utf-8', 'utf8']) {
      expect(() => guardRequestBody(utf8(`<?xml version="1.0" encoding='${accepted}'?>` + envelope(payload)))).not.toThrow();
    }
    // The usual declaration (double quotes) is recognised without being read: its near misses are read.
    for (const accepted of ['UTF-8', 'utf-8', 'Utf-8', 'UTF8']) {
      expect(() => guardRequestBody(utf8(`<?xml version="1.0" encoding="${accepted}"?>` + envelope(payload)))).not.toThrow();
    }
    for (const refused of ['UTF-9', 'UTF_8', 'UCS-8', 'UTF-1', 'utf-16']) {
      expect(faultCode(utf8(`<?xml version="1.0" encoding="${refused}"?>` + envelope(payload)))).toBe(100);
    }
  });

  test('an empty body', () => {
    expect(faultCode(new Uint8Array(0))).toBe(100);
  });

  test('an unterminated comment', () => {
    expect(faultCode(utf8('<a><!-- never closed </a>'))).toBe(100);
  });

  test('an unterminated CDATA section', () => {
    expect(faultCode(utf8('<a><![CDATA[ never closed </a>'))).toBe(100);
  });
});

describe('guardRequestBody: limits → 103', () => {
  const small: GuardLimits = { maxBytes: 10_000, maxDepth: 3, maxElements: 50 };

  test('the defaults are the documented hardened limits', () => {
    expect(DEFAULT_GUARD_LIMITS).toEqual({ maxBytes: 512 * 1024, maxDepth: 64, maxElements: 20_000 });
  });

  test('a body above maxBytes', () => {
    const body = utf8('<a>' + 'x'.repeat(94) + '</a>');
    expect(body.length).toBe(101);
    expect(faultCode(body, { maxBytes: 100, maxDepth: 5, maxElements: 5 })).toBe(103);
  });

  test('a body above the default maxBytes', () => {
    const body = utf8(envelope(consulterEtat(`<x>${'y'.repeat(DEFAULT_GUARD_LIMITS.maxBytes)}</x>`)));
    expect(faultCode(body)).toBe(103);
  });

  test('10 000 nested elements with the default limits', () => {
    expect(faultCode(utf8(nested(10_000)))).toBe(103);
  });

  test('more elements than maxElements with the default limits', () => {
    const body = utf8('<r>' + '<e/>'.repeat(DEFAULT_GUARD_LIMITS.maxElements) + '</r>');
    expect(faultCode(body)).toBe(103);
  });

  test('maxElements + 1 elements with small limits', () => {
    const body = utf8('<r>' + '<e/>'.repeat(10) + '</r>');
    expect(faultCode(body, { maxBytes: 10_000, maxDepth: 5, maxElements: 10 })).toBe(103);
  });

  test('depth exactly maxDepth passes, maxDepth + 1 fails', () => {
    expect(() => guardRequestBody(utf8(nested(3)), small)).not.toThrow();
    expect(faultCode(utf8(nested(4)), small)).toBe(103);
  });

  test('depth at the default maxDepth passes, one more fails', () => {
    expect(() => guardRequestBody(utf8(nested(64)))).not.toThrow();
    expect(faultCode(utf8(nested(65)))).toBe(103);
  });

  test('self-closing tags do not count towards depth', () => {
    expect(() => guardRequestBody(utf8(nested(3, '<leaf/>')), small)).not.toThrow();
    expect(() => guardRequestBody(utf8(nested(3, '<leaf attr="v" />')), small)).not.toThrow();
    expect(faultCode(utf8(nested(3, '<leaf></leaf>')), small)).toBe(103);
  });

  test('closed siblings give their depth back', () => {
    // Many siblings at depth 3: the depth must go down at every end tag.
    const body = utf8('<a><b>' + '<c>x</c>'.repeat(20) + '</b></a>');
    expect(() => guardRequestBody(body, small)).not.toThrow();
  });

  test('the size limit is checked before the content (103 even for a DOCTYPE)', () => {
    const body = utf8('<!DOCTYPE x>' + '<a>' + 'x'.repeat(200) + '</a>');
    expect(faultCode(body, { maxBytes: 100, maxDepth: 5, maxElements: 5 })).toBe(103);
  });
});
