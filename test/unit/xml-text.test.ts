// The XML 1.0 character rule and the project's one escaper (src/domain/xml-text.ts, decision 0012),
// checked against libxml2 itself: what the rule admits parses, what it refuses does not, and
// whatever the escaper writes parses back to the text (or to U+FFFD for a refused character).
import { XmlDocument } from 'libxml2-wasm';
import {
  codePointLabel,
  describeInvalidXmlChar,
  escapeXmlAttribute,
  escapeXmlText,
  firstInvalidXmlChar,
  firstInvalidXmlCharInFile,
  isXmlText,
  toXmlText,
  xmlTextProblem,
} from '../../src/domain/xml-text.js';

/** Parses `<r a="attr">content</r>`; throws when libxml2 refuses it. */
function parsed(content: string, attribute = ''): { content: string; attribute: string } {
  const doc = XmlDocument.fromString(`<r a="${attribute}">${content}</r>`);
  try {
    return { content: doc.root.content, attribute: doc.root.attrs[0]!.value };
  } finally {
    doc.dispose();
  }
}

const C0_REFUSED = [...Array(0x20).keys()].filter((c) => c !== 0x9 && c !== 0xa && c !== 0xd);

describe('the XML 1.0 character rule', () => {
  test.each(C0_REFUSED.map((c) => [codePointLabel(c), c]))('%s (C0 control) is refused', (_label, c) => {
    const text = `ab${String.fromCharCode(c)}cd`;
    expect(isXmlText(text)).toBe(false);
    expect(firstInvalidXmlChar(text)).toEqual({ index: 2, position: 3, codePoint: c });
  });

  test.each([
    ['U+FFFE', '\uFFFE', 0xfffe],
    ['U+FFFF', '\uFFFF', 0xffff],
    ['a lone high surrogate', '\uD800', 0xd800],
    ['a lone high surrogate at the end', '\uDBFF', 0xdbff],
    ['a lone low surrogate', '\uDC00', 0xdc00],
    ['a low then a high surrogate (reversed pair)', '\uDFFF\uD800', 0xdfff],
  ])('%s is refused', (_name, bad, codePoint) => {
    expect(isXmlText(`x${bad}`)).toBe(false);
    expect(firstInvalidXmlChar(`x${bad}`)).toMatchObject({ index: 1, codePoint });
  });

  test('tab, LF, CR, the BMP up to U+FFFD and every supplementary plane are admitted', () => {
    const valid = ['\t\n\r', ' ~', '\u007F\u0080\u009F', 'é€\uD7FF', '\uE000\uFFFD', '\u{10000}', '\u{1F600}', '\u{1FFFE}', '\u{10FFFF}', ''];
    for (const text of valid) {
      expect({ text, valid: isXmlText(text) }).toEqual({ text, valid: true });
      expect(firstInvalidXmlChar(text)).toBeUndefined();
      // libxml2 agrees
      expect(parsed(escapeXmlText(text)).content).toBe(text);
    }
  });

  test('libxml2 agrees on every refused class, written raw or as a character reference', () => {
    for (const c of [0x0, 0x7, 0x1b, 0x1f, 0xfffe, 0xffff]) {
      expect(() => parsed(`&#${c};`)).toThrow();
      if (c !== 0) expect(() => parsed(String.fromCharCode(c))).toThrow();
    }
  });

  test('the position counts characters (a surrogate pair is one), the index code units', () => {
    expect(firstInvalidXmlChar('😀😀\u0007')).toEqual({ index: 4, position: 3, codePoint: 7 });
    expect(firstInvalidXmlChar('\uD83D\uDE00\uD83D')).toEqual({ index: 2, position: 2, codePoint: 0xd83d });
  });

  test('the message names the character and where it is, never prints it', () => {
    const problem = xmlTextProblem('Bonjour\u0007')!;
    expect(problem).toMatch(/^caractère interdit U\+0007 \(caractère de contrôle\) en position 8 ; XML 1\.0 n’admet/);
    expect(problem).not.toContain('\u0007');
    expect(xmlTextProblem('\uFFFF')).toMatch(/U\+FFFF \(non-caractère\)/);
    expect(xmlTextProblem('a\uDC00')).toMatch(/U\+DC00 \(demi-paire de substitution UTF-16 isolée\) en position 2/);
    expect(xmlTextProblem('Bonjour')).toBeUndefined();
    expect(describeInvalidXmlChar(firstInvalidXmlChar('\u0001')!, 'en colonne 9')).toMatch(/U\+0001 \(caractère de contrôle\) en colonne 9 ;/);
  });

  test('in a file: line and column from 1', () => {
    expect(firstInvalidXmlCharInFile('a: 1\nb: "é\u0007"\n')).toMatchObject({ line: 2, column: 6, codePoint: 7 });
    expect(firstInvalidXmlCharInFile('\u000B')).toMatchObject({ line: 1, column: 1 });
    expect(firstInvalidXmlCharInFile('ok\r\nok\n')).toBeUndefined();
  });

  test('toXmlText replaces every refused character by U+FFFD and keeps valid pairs', () => {
    expect(toXmlText('a\u0000b\u0007\uFFFF\uD800x\uDC00😀')).toBe('a\uFFFDb\uFFFD\uFFFD\uFFFDx\uFFFD😀');
    const same = 'déjà vu';
    expect(toXmlText(same)).toBe(same);
  });
});

describe('the one escaper', () => {
  test('content: markup characters escaped, CR kept as a reference', () => {
    expect(escapeXmlText(`<a href="x">&amp;</a>`)).toBe('&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeXmlText('l1\r\nl2\tx')).toBe('l1&#13;\nl2\tx');
    expect(escapeXmlText('rien à faire')).toBe('rien à faire');
  });

  test('attribute: quotes and tab/LF/CR as references too', () => {
    expect(escapeXmlAttribute(`"<&>'`)).toBe(`&quot;&lt;&amp;&gt;'`);
    expect(escapeXmlAttribute('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });

  test('refused characters become U+FFFD: the document always parses', () => {
    const nasty = 'Bonjour\u0007 & <b>"x"</b>\u0000\uFFFE\uFFFF\uD800 fin\uDC00 😀\r\n\t';
    const expected = 'Bonjour\uFFFD & <b>"x"</b>\uFFFD\uFFFD\uFFFD\uFFFD fin\uFFFD 😀\r\n\t';
    const back = parsed(escapeXmlText(nasty), escapeXmlAttribute(nasty));
    expect(back.content).toBe(expected);
    expect(back.attribute).toBe(expected);
  });

  test('every single UTF-16 code unit round-trips (or becomes U+FFFD when refused)', () => {
    const units = Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c));
    // In chunks: one document per 4096 code units.
    for (let start = 0; start < units.length; start += 4096) {
      const text = units.slice(start, start + 4096).join('');
      const expected = toXmlText(text);
      const back = parsed(escapeXmlText(text), escapeXmlAttribute(text));
      expect(back.content === expected && back.attribute === expected).toBe(true);
    }
  });
});
