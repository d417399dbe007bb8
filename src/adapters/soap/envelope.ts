// SOAP 1.1 envelope parsing (after the guard): one libxml2 parse gives the tree used for
// dispatch, schema validation and mapping. Measured faster than a second parse with
// fast-xml-parser (docs/decisions/0001-xml-parsing-and-validation.md).
import { XmlDocument, XmlElement, XmlText, ParseOption, XmlParseError } from 'libxml2-wasm';
import { EsavFault } from '../../domain/faults.js';
import { SOAP11_NS, SOAP12_NS } from './namespaces.js';

export interface ParsedEnvelope {
  doc: XmlDocument;
  /** Header blocks, in order. */
  headers: XmlElement[];
  /** The single child element of soap:Body (document/literal payload). */
  payload: XmlElement;
}

// No entity substitution, no DTD loading, no network; CDATA read as text.
const PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NOCDATA;

export function clark(element: XmlElement): string {
  return `{${element.namespaceUri}}${element.name}`;
}

function elementChildren(element: XmlElement, where: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = element.firstChild; node; node = node.next) {
    if (node instanceof XmlElement) out.push(node);
    else if (node instanceof XmlText && node.content.trim() !== '') {
      throw new EsavFault(100, `Texte inattendu dans ${where}`);
    }
  }
  return out;
}

/**
 * Parses and checks the SOAP 1.1 envelope shape; the caller must dispose `doc`.
 * `understoodHeaders` (clark names) may carry soap:mustUnderstand="1"; any other such block → 100.
 */
export function parseEnvelope(body: Uint8Array, understoodHeaders: ReadonlySet<string> = new Set()): ParsedEnvelope {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(body, { option: PARSE_OPTIONS });
  } catch (error) {
    if (error instanceof XmlParseError) {
      const detail = error.details?.[0];
      const where = detail ? ` (ligne ${detail.line})` : '';
      throw new EsavFault(100, `XML mal formé${where} : ${(detail?.message ?? error.message).trim().slice(0, 200)}`);
    }
    throw error;
  }
  try {
    return { doc, ...readEnvelope(doc, understoodHeaders) };
  } catch (error) {
    doc.dispose();
    throw error;
  }
}

function readEnvelope(doc: XmlDocument, understoodHeaders: ReadonlySet<string>): Omit<ParsedEnvelope, 'doc'> {
  const root = doc.root;
  if (root.name !== 'Envelope' || root.namespaceUri !== SOAP11_NS) {
    if (root.name === 'Envelope' && root.namespaceUri === SOAP12_NS) {
      throw new EsavFault(100, "Enveloppe SOAP 1.2 reçue : ce service n'accepte que SOAP 1.1");
    }
    throw new EsavFault(100, "L'élément racine doit être soap:Envelope (SOAP 1.1)");
  }
  const children = elementChildren(root, 'Envelope');
  let index = 0;
  let headers: XmlElement[] = [];
  const first = children[0];
  if (first && first.namespaceUri === SOAP11_NS && first.name === 'Header') {
    headers = elementChildren(first, 'Header');
    index = 1;
  }
  const bodyElement = children[index];
  if (!bodyElement || bodyElement.namespaceUri !== SOAP11_NS || bodyElement.name !== 'Body') {
    throw new EsavFault(100, 'Enveloppe SOAP sans soap:Body');
  }
  if (children.length > index + 1) {
    throw new EsavFault(100, 'Élément inattendu après soap:Body');
  }
  const payloads = elementChildren(bodyElement, 'Body');
  const payload = payloads[0];
  if (!payload || payloads.length > 1) {
    throw new EsavFault(100, 'soap:Body doit contenir exactement un élément (document/literal, WS-I BP R2201)');
  }
  for (const header of headers) {
    if (mustUnderstand(header) && !understoodHeaders.has(clark(header))) {
      throw new EsavFault(100, `En-tête obligatoire non compris : ${clark(header)}`);
    }
  }
  return { headers, payload };
}

function mustUnderstand(header: XmlElement): boolean {
  for (const attr of header.attrs) {
    if (attr.name === 'mustUnderstand' && attr.namespaceUri === SOAP11_NS) return attr.value.trim() === '1';
  }
  return false;
}

/** A payload as plain data: leaves are strings, repeated children become arrays. */
export type PlainValue = string | PlainObject | PlainValue[];
export interface PlainObject {
  [name: string]: PlainValue;
}

/** Converts a (validated) element to plain data, keyed by local names. */
export function toPlain(element: XmlElement): PlainObject | string {
  let object: PlainObject | null = null;
  for (let node = element.firstChild; node; node = node.next) {
    if (!(node instanceof XmlElement)) continue;
    object ??= {};
    const key = node.name;
    const value = toPlain(node);
    const existing = object[key];
    if (existing === undefined) object[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else object[key] = [existing, value];
  }
  return object ?? element.content;
}
