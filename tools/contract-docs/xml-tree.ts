// Reads a WSDL or XSD file into a small plain tree (libxml2-wasm parses; nothing of libxml2 is
// kept once the file is read), with each element's in-scope namespaces so that QName-valued
// attributes (type="com:Code", element="tns:X") resolve the way a schema processor resolves them.
import fs from 'node:fs';
import { ParseOption, XmlDocument, XmlElement } from 'libxml2-wasm';

export interface XNode {
  readonly ns: string;
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XNode[];
  /** Prefix → namespace in scope ('' is the default namespace). */
  readonly scope: ReadonlyMap<string, string>;
  /** Text content, kept for documentation elements only. */
  readonly text: string;
  readonly line: number;
}

export const XS = 'http://www.w3.org/2001/XMLSchema';
export const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
export const WSDL_SOAP = 'http://schemas.xmlsoap.org/wsdl/soap/';

function convert(e: XmlElement, parentScope: ReadonlyMap<string, string>): XNode {
  const declared = Object.entries(e.nsDeclarations);
  const scope = declared.length === 0 ? parentScope : new Map([...parentScope, ...declared]);
  const attrs = new Map<string, string>();
  for (const a of e.attrs) if (!a.namespaceUri) attrs.set(a.name, a.value);
  const children: XNode[] = [];
  for (let n = e.firstChild; n; n = n.next) if (n instanceof XmlElement) children.push(convert(n, scope));
  return { ns: e.namespaceUri, name: e.name, attrs, children, scope, text: e.name === 'documentation' ? e.content : '', line: e.line };
}

/** The root element of an XML file as a plain tree. */
export function readXmlFile(file: string): XNode {
  const doc = XmlDocument.fromBuffer(fs.readFileSync(file), { url: file, option: ParseOption.XML_PARSE_NONET });
  try {
    return convert(doc.root, new Map());
  } finally {
    doc.dispose();
  }
}

/** {namespace}local, the key of every component. */
export const clark = (ns: string, local: string): string => `{${ns}}${local}`;

export function splitClark(key: string): { ns: string; local: string } {
  const m = /^\{([^}]*)\}(.*)$/.exec(key);
  if (!m) throw new Error(`not a {namespace}name: ${key}`);
  return { ns: m[1]!, local: m[2]! };
}

/** Resolves a QName attribute value against the node's scope (no prefix: the default namespace, or `noPrefix`). */
export function resolveQName(node: XNode, value: string, noPrefix?: string): string {
  const colon = value.indexOf(':');
  if (colon < 0) return clark(node.scope.get('') ?? noPrefix ?? '', value);
  const prefix = value.slice(0, colon);
  const ns = node.scope.get(prefix);
  if (ns === undefined) throw new Error(`prefix ${prefix} of ${value} is not declared (line ${node.line})`);
  return clark(ns, value.slice(colon + 1));
}

export const isA = (n: XNode, ns: string, name: string): boolean => n.ns === ns && n.name === name;

export const childrenNamed = (n: XNode, ns: string, name: string): XNode[] => n.children.filter((c) => isA(c, ns, name));

/** The documentation of a WSDL or XSD component, whitespace collapsed ('' when none). */
export function documentation(n: XNode, ns: string): string {
  const holders = ns === XS ? childrenNamed(n, XS, 'annotation').flatMap((a) => childrenNamed(a, XS, 'documentation')) : childrenNamed(n, ns, 'documentation');
  return holders.map((d) => d.text.replace(/\s+/g, ' ').trim()).filter((t) => t.length > 0).join(' ');
}
