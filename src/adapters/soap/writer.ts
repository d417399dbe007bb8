// Response and fault serialisation. Responses are built as strings: the payload element declares
// its namespace as the default one, so every child is qualified without prefixes
// (elementFormDefault="qualified" in our schemas).
import type { EsavFault } from '../../domain/faults.js';
import { escapeXmlAttribute as escapeAttribute, escapeXmlText as escapeXml } from '../../domain/xml-text.js';
import { COMMON_NS, SOAP11_NS } from './namespaces.js';

// The project's one escaper (src/domain/xml-text.ts): markup characters escaped, and any character
// XML 1.0 refuses (e.g. a control character stored before the rule of decision 0012) replaced by
// U+FFFD, so that no answer is ever unparseable. Re-exported under the names the contracts use.
export { escapeXmlText as escapeXml, escapeXmlAttribute as escapeAttribute } from '../../domain/xml-text.js';

/** Streams elements into a string; optional values (undefined/null) write nothing. */
export class XmlWriter {
  private readonly parts: string[] = [];

  /** Opens an element; with `namespace`, declares it as the default namespace. */
  open(name: string, namespace?: string): this {
    this.parts.push(namespace === undefined ? `<${name}>` : `<${name} xmlns="${escapeAttribute(namespace)}">`);
    return this;
  }

  /**
   * Opens a namespace-qualified element with an explicit prefix (contracts whose schemas leave
   * local elements unqualified: only the global element carries the namespace).
   */
  openPrefixed(prefix: string, name: string, namespace: string, attributes: Record<string, string> = {}): this {
    const attrs = Object.entries(attributes)
      .map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`)
      .join('');
    this.parts.push(`<${prefix}:${name} xmlns:${prefix}="${escapeAttribute(namespace)}"${attrs}>`);
    return this;
  }

  closePrefixed(prefix: string, name: string): this {
    this.parts.push(`</${prefix}:${name}>`);
    return this;
  }

  close(name: string): this {
    this.parts.push(`</${name}>`);
    return this;
  }

  /** A leaf element with text content; skipped when the value is undefined or null. */
  leaf(name: string, value: string | number | bigint | boolean | undefined | null): this {
    if (value === undefined || value === null) return this;
    this.parts.push(`<${name}>${escapeXml(String(value))}</${name}>`);
    return this;
  }

  /** An element whose content is written by `body`; skipped when `value` is undefined or null. */
  element<T>(name: string, value: T | undefined | null, body: (w: this, value: T) => void): this {
    if (value === undefined || value === null) return this;
    this.open(name);
    body(this, value);
    return this.close(name);
  }

  /** One element per item. */
  each<T>(name: string, items: readonly T[], body: (w: this, item: T) => void): this {
    for (const item of items) this.element(name, item, body);
    return this;
  }

  raw(xml: string): this {
    this.parts.push(xml);
    return this;
  }

  toString(): string {
    return this.parts.join('');
  }
}

const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_NS}">`;
const ENVELOPE_CLOSE = '</soapenv:Envelope>';

/** A full SOAP 1.1 response: header blocks then the payload, both already serialised. */
export function responseEnvelope(headerXml: string, payloadXml: string): string {
  return `${ENVELOPE_OPEN}<soapenv:Header>${headerXml}</soapenv:Header><soapenv:Body>${payloadXml}</soapenv:Body>${ENVELOPE_CLOSE}`;
}

/**
 * A WS-I BP 1.1 conformant fault: faultcode a QName in the envelope namespace, unqualified
 * faultcode/faultstring/detail children, the typed detail erreurESAV (namespace-qualified).
 * Sent with HTTP 500 (R1126).
 */
export function faultEnvelope(fault: EsavFault): string {
  const w = new XmlWriter();
  w.open('erreurESAV', COMMON_NS)
    .leaf('code', fault.code)
    .leaf('libelle', fault.libelle)
    .leaf('champ', fault.champ)
    .leaf('reessayerApres', fault.reessayerApres)
    .close('erreurESAV');
  return soapFaultEnvelope(fault, w.toString());
}

/**
 * The SOAP 1.1 Fault every contract sends (WS-I BP 1.1: faultcode a QName in the envelope
 * namespace, unqualified faultcode/faultstring/detail), around the contract's own typed detail.
 */
export function soapFaultEnvelope(fault: EsavFault, detailXml: string): string {
  return (
    `${ENVELOPE_OPEN}<soapenv:Body><soapenv:Fault>` +
    `<faultcode>soapenv:${fault.side}</faultcode>` +
    `<faultstring xml:lang="fr">${escapeXml(fault.libelle)}</faultstring>` +
    `<detail>${detailXml}</detail>` +
    `</soapenv:Fault></soapenv:Body>${ENVELOPE_CLOSE}`
  );
}
