// Free text and XML 1.0 (decision 0012). Every text the gateway publishes ends up in an XML
// document (SOAP answers, JUnit reports) or an HTML page, and XML 1.0 admits only these characters
// (§2.2, production Char): #x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF. So the
// C0 controls other than tab/LF/CR, U+FFFE, U+FFFF and lone surrogates (half of a UTF-16 pair,
// e.g. a JSON "\ud800") can never be written, not even as a character reference (&#7; is not
// well-formed either). Text is refused where it enters (firstInvalidXmlChar, xmlTextProblem) and
// every writer escapes through escapeXmlText/escapeXmlAttribute, which also replace such a character
// by U+FFFD so that text stored before the rule still gives parseable documents.
// Pure: imported by every layer (admin API, catalogue and configuration loaders, SOAP writer,
// conformance kit reports, and later the web portal's forms).

/** A character XML 1.0 refuses: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, a lone surrogate. */
const INVALID_SOURCE =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const INVALID = new RegExp(INVALID_SOURCE);
const INVALID_ALL = new RegExp(INVALID_SOURCE, 'g');

/** The replacement of an invalid character in written documents. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

export interface InvalidXmlChar {
  /** Offset in the string (UTF-16 code units, 0-based). */
  index: number;
  /** Position as a reader counts it: characters (code points) from 1. */
  position: number;
  /** The refused code point (for a lone surrogate, the surrogate itself). */
  codePoint: number;
}

/** The first character XML 1.0 refuses in `text`, or undefined when all of it may be written. */
export function firstInvalidXmlChar(text: string): InvalidXmlChar | undefined {
  const match = INVALID.exec(text);
  if (!match) return undefined;
  const index = match.index;
  // Counted only on refusal: Array.from walks code points (a valid pair is one character).
  return { index, position: Array.from(text.slice(0, index)).length + 1, codePoint: text.charCodeAt(index) };
}

/** The same in a file's text, with its line and column (from 1; the column counts characters). */
export function firstInvalidXmlCharInFile(text: string): (InvalidXmlChar & { line: number; column: number }) | undefined {
  const found = firstInvalidXmlChar(text);
  if (!found) return undefined;
  const before = text.slice(0, found.index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { ...found, line: before.split('\n').length, column: Array.from(before.slice(lineStart)).length + 1 };
}

/** True when every character of `text` is admitted by XML 1.0. */
export function isXmlText(text: string): boolean {
  return !INVALID.test(text);
}

/** U+0007, U+FFFE, U+D800… */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why the text is refused, in the words of our messages; undefined when it is valid. */
export function xmlTextProblem(text: string): string | undefined {
  const found = firstInvalidXmlChar(text);
  return found && describeInvalidXmlChar(found);
}

/**
 * "caractère interdit U+0007 (caractère de contrôle) en position 8 ; …": names the character, never
 * prints it. `where` replaces "en position N" (e.g. "en colonne 5" for a file).
 */
export function describeInvalidXmlChar(found: InvalidXmlChar, where = `en position ${found.position}`): string {
  const kind =
    found.codePoint < 0x20
      ? 'caractère de contrôle'
      : found.codePoint >= 0xd800 && found.codePoint <= 0xdfff
        ? 'demi-paire de substitution UTF-16 isolée'
        : 'non-caractère';
  return (
    `caractère interdit ${codePointLabel(found.codePoint)} (${kind}) ${where} ; ` +
    'XML 1.0 n’admet ni les caractères de contrôle autres que tabulation, saut de ligne et retour chariot, ni U+FFFE/U+FFFF, ni une demi-paire de substitution'
  );
}

/** `text` with every character XML 1.0 refuses replaced by U+FFFD. */
export function toXmlText(text: string): string {
  return INVALID.test(text) ? text.replace(INVALID_ALL, REPLACEMENT_CHARACTER) : text;
}

// ---------------------------------------------------------------- the project's one escaper
//
// A quick test first (a plain character class: most texts have nothing to escape and are returned
// as they are), then one replace pass that escapes the markup characters and replaces the invalid
// ones. CR is written &#13; (a raw one would become LF when the document is read: the reader gets
// the text as stored); in attributes, tab and LF are also written as references (a raw one would
// become a space).

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\t': '&#9;', '\n': '&#10;' };

// Quick tests: may say yes for nothing to do (a valid surrogate pair), never no for something to do.
const TEXT_NEEDS_WORK = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ATTRIBUTE_NEEDS_WORK = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const TEXT_WORK = new RegExp(`[&<>\\r]|${INVALID_SOURCE}`, 'g');
const ATTRIBUTE_WORK = new RegExp(`[&<>"\\t\\n\\r]|${INVALID_SOURCE}`, 'g');

const textReplacer = (c: string) => TEXT_ESCAPES[c] ?? REPLACEMENT_CHARACTER;
const attributeReplacer = (c: string) => ATTRIBUTE_ESCAPES[c] ?? REPLACEMENT_CHARACTER;

/** Character data (element content, and HTML text): always well-formed XML 1.0. */
export function escapeXmlText(text: string): string {
  return TEXT_NEEDS_WORK.test(text) ? text.replace(TEXT_WORK, textReplacer) : text;
}

/** A double-quoted attribute value (XML or HTML; also safe as element content). */
export function escapeXmlAttribute(value: string): string {
  return ATTRIBUTE_NEEDS_WORK.test(value) ? value.replace(ATTRIBUTE_WORK, attributeReplacer) : value;
}
