// SOAP 1.1 envelope parsing (after the guard): one libxml2 parse gives the tree used for
// dispatch, schema validation and mapping. Measured faster than a second parse with
// fast-xml-parser (docs/decisions/0001-xml-parsing-and-validation.md). The tree is read as node
// pointers (message-tree.ts, decision 0026): no wrapper object per node.
import { XmlParseError } from 'libxml2-wasm';
import { EsavFault } from '../../domain/faults.js';
import {
  ELEMENT_NODE,
  TEXT_NODE,
  firstAttribute,
  firstChild,
  localName,
  messageElement,
  namespaceUri,
  nextSibling,
  nodeType,
  ParsedMessage,
  textContent,
  type MessageElement,
  type NodePointer,
} from './message-tree.js';
import { SOAP11_NS, SOAP12_NS } from './namespaces.js';

export type { MessageElement } from './message-tree.js';

export interface ParsedEnvelope {
  /** The parsed document: `doc.dispose()` frees it (WASM memory is not garbage-collected). */
  doc: ParsedMessage;
  /** Header blocks, in order. */
  headers: MessageElement[];
  /** The single child element of soap:Body (document/literal payload). */
  payload: MessageElement;
}

export function clark(element: { readonly name: string; readonly namespaceUri: string }): string {
  return `{${element.namespaceUri}}${element.name}`;
}

const EMPTY: ReadonlySet<string> = new Set();

function isElement(node: NodePointer, name: string, namespace: string): boolean {
  return localName(node) === name && namespaceUri(node) === namespace;
}

/** The element children of `element`; non-blank text among them → 100 (comments and PIs are skipped). */
function elementChildren(element: NodePointer, where: string): NodePointer[] {
  const out: NodePointer[] = [];
  for (let node = firstChild(element); node !== 0; node = nextSibling(node)) {
    const type = nodeType(node);
    if (type === ELEMENT_NODE) out.push(node);
    else if (type === TEXT_NODE && textContent(node).trim() !== '') {
      throw new EsavFault(100, `Texte inattendu dans ${where}`);
    }
  }
  return out;
}

/**
 * Parses and checks the SOAP 1.1 envelope shape; the caller must dispose `doc`.
 * `understoodHeaders` (clark names) may carry soap:mustUnderstand="1"; any other such block → 100.
 */
export function parseEnvelope(body: Uint8Array, understoodHeaders: ReadonlySet<string> = EMPTY): ParsedEnvelope {
  let doc: ParsedMessage;
  try {
    doc = ParsedMessage.parse(body);
  } catch (error) {
    if (error instanceof XmlParseError) {
      const detail = error.details?.[0];
      const where = detail ? ` (ligne ${detail.line})` : '';
      throw new EsavFault(100, `XML mal formé${where} : ${(detail?.message ?? error.message).trim().slice(0, 200)}`);
    }
    throw error;
  }
  try {
    return { doc, ...readEnvelope(doc.root, understoodHeaders) };
  } catch (error) {
    doc.dispose();
    throw error;
  }
}

function readEnvelope(root: NodePointer, understoodHeaders: ReadonlySet<string>): Omit<ParsedEnvelope, 'doc'> {
  if (!isElement(root, 'Envelope', SOAP11_NS)) {
    if (isElement(root, 'Envelope', SOAP12_NS)) {
      throw new EsavFault(100, "Enveloppe SOAP 1.2 reçue : ce service n'accepte que SOAP 1.1");
    }
    throw new EsavFault(100, "L'élément racine doit être soap:Envelope (SOAP 1.1)");
  }
  const children = elementChildren(root, 'Envelope');
  let index = 0;
  let headers: MessageElement[] = [];
  const first = children[0];
  if (first !== undefined && isElement(first, 'Header', SOAP11_NS)) {
    headers = elementChildren(first, 'Header').map(messageElement);
    index = 1;
  }
  const bodyElement = children[index];
  if (bodyElement === undefined || !isElement(bodyElement, 'Body', SOAP11_NS)) {
    throw new EsavFault(100, 'Enveloppe SOAP sans soap:Body');
  }
  if (children.length > index + 1) {
    throw new EsavFault(100, 'Élément inattendu après soap:Body');
  }
  const payloads = elementChildren(bodyElement, 'Body');
  const payload = payloads[0];
  if (payload === undefined || payloads.length > 1) {
    throw new EsavFault(100, 'soap:Body doit contenir exactement un élément (document/literal, WS-I BP R2201)');
  }
  for (const header of headers) {
    if (mustUnderstand(header.node) && !understoodHeaders.has(clark(header))) {
      throw new EsavFault(100, `En-tête obligatoire non compris : ${clark(header)}`);
    }
  }
  return { headers, payload: messageElement(payload) };
}

function mustUnderstand(header: NodePointer): boolean {
  for (let attr = firstAttribute(header); attr !== 0; attr = nextSibling(attr)) {
    if (localName(attr) === 'mustUnderstand' && namespaceUri(attr) === SOAP11_NS) return textContent(attr).trim() === '1';
  }
  return false;
}

/** A payload as plain data: leaves are strings, repeated children become arrays. */
export type PlainValue = string | PlainObject | PlainValue[];
export interface PlainObject {
  [name: string]: PlainValue;
}

/** Converts a (validated) element to plain data, keyed by local names. */
export function toPlain(element: MessageElement): PlainObject | string {
  return plainOf(element.node);
}

function plainOf(element: NodePointer): PlainObject | string {
  let object: PlainObject | null = null;
  for (let node = firstChild(element); node !== 0; node = nextSibling(node)) {
    if (nodeType(node) !== ELEMENT_NODE) continue;
    object ??= {};
    const key = localName(node);
    const value = plainOf(node);
    const existing = object[key];
    if (existing === undefined) object[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else object[key] = [existing, value];
  }
  return object ?? textContent(element);
}
