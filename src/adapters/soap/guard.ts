// The SOAP guard: cheap checks on the raw bytes before any XML parser sees them
// (the hardened limits Apache CXF applies by default). One linear pass, no allocation per tag.
//  - size limit                                   → 103
//  - invalid UTF-8, a NUL byte (UTF-16/UTF-32 text), an XML declaration naming
//    another encoding                              → 100
//  - DOCTYPE / ENTITY declarations in any form    → 100 (WS-I BP R1008; closes XXE and entity bombs)
//  - processing instructions other than <?xml … ?> → 100
//  - nesting depth and element count caps         → 103
import { isUtf8 } from 'node:buffer';
import { EsavFault } from '../../domain/faults.js';

export interface GuardLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

export const DEFAULT_GUARD_LIMITS: GuardLimits = {
  maxBytes: 512 * 1024,
  maxDepth: 64,
  maxElements: 20_000,
};

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f; // /
const QMARK = 0x3f; // ?
const BANG = 0x21; // !
const DQUOTE = 0x22;
const SQUOTE = 0x27;

function startsWith(buf: Uint8Array, at: number, ascii: string): boolean {
  if (at + ascii.length > buf.length) return false;
  for (let i = 0; i < ascii.length; i++) if (buf[at + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

function indexOfAscii(buf: Uint8Array, from: number, ascii: string): number {
  const first = ascii.charCodeAt(0);
  for (let i = from; i <= buf.length - ascii.length; i++) {
    if (buf[i] === first && startsWith(buf, i, ascii)) return i;
  }
  return -1;
}

/**
 * Checks a request body against the limits; throws the contract's fault on the first violation.
 * Malformed markup that this scan tolerates is left to the XML parser (fault 100 there).
 */
export function guardRequestBody(body: Uint8Array, limits: GuardLimits = DEFAULT_GUARD_LIMITS): void {
  if (body.length === 0) throw new EsavFault(100, 'Requête vide : une enveloppe SOAP 1.1 est attendue');
  if (body.length > limits.maxBytes) {
    throw new EsavFault(103, `Message trop volumineux (plus de ${limits.maxBytes} octets)`);
  }
  if (!isUtf8(body)) throw new EsavFault(100, 'Le message doit être encodé en UTF-8 valide');
  // NUL is never allowed in XML; its bytes are valid UTF-8 but betray UTF-16 or UTF-32 text
  // (every '<' is then 3C 00 or 00 3C…), which this byte scan would not see as markup while the
  // parser would autodetect and read it, DOCTYPE included.
  if (body.indexOf(0) >= 0) throw new EsavFault(100, 'Le message doit être encodé en UTF-8 (octet nul : UTF-16 ou UTF-32 refusés)');

  let depth = 0;
  let elements = 0;
  let i = 0;
  const n = body.length;
  while (i < n) {
    if (body[i] !== LT) {
      i++;
      continue;
    }
    const next = body[i + 1];
    if (next === BANG) {
      if (startsWith(body, i, '<!--')) {
        const end = indexOfAscii(body, i + 4, '-->');
        if (end < 0) throw new EsavFault(100, 'Commentaire XML non terminé');
        i = end + 3;
      } else if (startsWith(body, i, '<![CDATA[')) {
        const end = indexOfAscii(body, i + 9, ']]>');
        if (end < 0) throw new EsavFault(100, 'Section CDATA non terminée');
        i = end + 3;
      } else {
        // <!DOCTYPE, <!ENTITY, <!ELEMENT, <!ATTLIST … : any DTD construct is forbidden.
        throw new EsavFault(100, 'Construction interdite : DOCTYPE ou déclaration DTD (WS-I BP R1008)');
      }
      continue;
    }
    if (next === QMARK) {
      const end = indexOfAscii(body, i + 2, '?>');
      if (end < 0) throw new EsavFault(100, 'Instruction de traitement non terminée');
      const isXmlDeclaration = i === skipBom(body) && startsWith(body, i, '<?xml') && isSpace(body[i + 5]);
      if (!isXmlDeclaration) throw new EsavFault(100, 'Instruction de traitement interdite');
      // The parser would switch to a declared encoding (ISO-8859-1…) and read these bytes otherwise.
      const encoding = isUsualDeclaration(body, i, end + 2) ? 'UTF-8' : declaredEncoding(body, i, end);
      if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
        throw new EsavFault(100, `Encodage ${encoding.slice(0, 40)} non supporté : UTF-8 attendu`);
      }
      i = end + 2;
      continue;
    }
    if (next === SLASH) {
      depth--;
      const end = body.indexOf(GT, i + 2);
      if (end < 0) break; // malformed: the parser reports it
      i = end + 1;
      continue;
    }
    // Start tag: find its end, skipping quoted attribute values (which may contain '>').
    let j = i + 1;
    let quote = 0;
    while (j < n) {
      const c = body[j]!;
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === DQUOTE || c === SQUOTE) {
        quote = c;
      } else if (c === GT) {
        break;
      }
      j++;
    }
    if (j >= n) break; // unterminated tag: the parser reports it
    elements++;
    if (elements > limits.maxElements) {
      throw new EsavFault(103, `Message trop complexe (plus de ${limits.maxElements} éléments)`);
    }
    if (body[j - 1] !== SLASH) {
      depth++;
      if (depth > limits.maxDepth) {
        throw new EsavFault(103, `Message trop profond (plus de ${limits.maxDepth} niveaux d'imbrication)`);
      }
    }
    i = j + 1;
  }
}

/** What almost every client sends: `<?xml version="1.0" encoding="UTF-8"?>` (either case of utf-8). */
const USUAL_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Whether bytes [from, end) are the usual declaration, whose encoding is UTF-8 (no need to read it). */
function isUsualDeclaration(body: Uint8Array, from: number, end: number): boolean {
  if (end - from !== USUAL_DECLARATION.length) return false;
  for (let k = 0; k < USUAL_DECLARATION.length; k++) {
    const c = body[from + k]!;
    const expected = USUAL_DECLARATION.charCodeAt(k);
    // "UTF" may be written "utf": compare those three letters without case.
    if (c !== expected && !(k >= 30 && k <= 32 && (c | 0x20) === (expected | 0x20))) return false;
  }
  return true;
}

/** The encoding named by the XML declaration spanning [from, end), if any. */
function declaredEncoding(body: Uint8Array, from: number, end: number): string | undefined {
  const declaration = Buffer.from(body.buffer, body.byteOffset + from, end - from).toString('latin1');
  return /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(declaration)?.slice(1).find((v) => v !== undefined);
}

function skipBom(body: Uint8Array): number {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
