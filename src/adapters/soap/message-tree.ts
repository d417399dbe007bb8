// A parsed request read as libxml2 nodes, without libxml2-wasm's wrapper objects (decision 0026).
//
// libxml2-wasm's public API creates a JavaScript object for every node it hands out (firstChild,
// next, root…), a FinalizationRegistry entry per document, a parser context per parse and a
// schema validation context per validation. On the request path that was most of the SOAP layer's
// own CPU (a deposit's tree walked twice: envelope shape, then toPlain). Here the same libxml2
// calls are made through the library's low-level module (`libxml2-wasm/lib/libxml2.mjs`, the one
// its classes use): nodes are pointers, read with the library's own struct accessors; one parser
// context is reused (replaced after a parse failure and every PARSER_CONTEXT_BYTES of input, which
// bounds its dictionary of names); each CompiledSchema keeps one validation context. Same parser
// options, same error details, same validation: only the JavaScript around them changed.
//
// A pointer is valid until its document is freed (`ParsedMessage.dispose`, always in a `finally`).
// `checkLowLevelAccess` (run when this module loads) compares these accessors with the public
// wrapper API on a sample document: a libxml2-wasm upgrade that changed its internals stops the
// start instead of misreading messages.
import { ParseOption, XmlComment, XmlDocument, XmlElement, XmlError, XmlParseError, XmlText, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import type { XmlNode } from 'libxml2-wasm';
import type { ErrorDetail } from 'libxml2-wasm';
import {
  error as libxmlErrors,
  xmlCtxtSetErrorHandler,
  xmlFreeDoc,
  xmlFreeParserCtxt,
  xmlDocGetRootElement,
  xmlNewParserCtxt,
  xmlNodeGetContent,
  xmlReadMemory,
  xmlSchemaFreeValidCtxt,
  xmlSchemaNewValidCtxt,
  xmlSchemaSetValidStructuredErrors,
  xmlSchemaValidateOneElement,
  XmlNamedNodeStruct,
  XmlNodeStruct,
  XmlNsStruct,
  XmlTreeCommonStruct,
} from 'libxml2-wasm/lib/libxml2.mjs';

/** A node of a parsed message: libxml2's pointer, valid until the message is disposed. */
export type NodePointer = number;

/**
 * An element of a parsed message: its local name, its namespace, and libxml2's node (valid until
 * the message is disposed).
 */
export interface MessageElement {
  readonly node: NodePointer;
  readonly name: string;
  /** '' when the element has no namespace. */
  readonly namespaceUri: string;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

// No entity substitution, no DTD loading, no network; CDATA read as text (decision 0001).
export const MESSAGE_PARSE_OPTIONS = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NOCDATA;

/** Input parsed with one parser context before it is replaced (its dictionary of names is then freed). */
export const PARSER_CONTEXT_BYTES = 4 * 1024 * 1024;

/** libxml2 xmlErrorLevel: diagnostics at this severity or above are failures (as libxml2-wasm decides). */
const XML_ERR_ERROR = 2;

// ------------------------------------------------------------------ parsing

class ReusedParserContext {
  private ctxt = 0;
  private bytes = 0;
  private readonly errors: ErrorDetail[] = [];
  private readonly errorSlot = libxmlErrors.storage.allocate(this.errors);

  parse(body: Uint8Array, options: number): number {
    if (this.ctxt === 0 || this.bytes > PARSER_CONTEXT_BYTES) this.renew();
    this.bytes += body.length;
    this.errors.length = 0;
    xmlCtxtSetErrorHandler(this.ctxt, libxmlErrors.errorCollector, this.errorSlot);
    const doc = xmlReadMemory(this.ctxt, body, null, null, options);
    // Warnings (level 1) are not failures: libxml2 still returns a valid document.
    if (doc !== 0 && !this.errors.some((d) => d.level >= XML_ERR_ERROR)) return doc;
    if (doc !== 0) xmlFreeDoc(doc);
    const details = [...this.errors];
    // A context that saw a failure is not reused (nothing of it can leak into the next parse).
    this.renew();
    throw new XmlParseError(details.length > 0 ? details.map((d) => d.message).join('') : 'Failed to parse XML', details);
  }

  private renew(): void {
    if (this.ctxt !== 0) xmlFreeParserCtxt(this.ctxt);
    this.ctxt = xmlNewParserCtxt();
    if (this.ctxt === 0) throw new XmlError('libxml2: no parser context (out of memory)');
    this.bytes = 0;
  }
}

const parser = new ReusedParserContext();

/** A parsed document; `dispose` frees it (and every node pointer read from it). */
export class ParsedMessage {
  private constructor(private doc: number) {}

  /** Parses `body` (throws libxml2-wasm's XmlParseError with libxml2's details, as XmlDocument.fromBuffer does). */
  static parse(body: Uint8Array, options = MESSAGE_PARSE_OPTIONS): ParsedMessage {
    return new ParsedMessage(parser.parse(body, options));
  }

  get root(): NodePointer {
    const root = this.doc === 0 ? 0 : xmlDocGetRootElement(this.doc);
    if (root === 0) throw new XmlError('document without a root element, or already disposed');
    return root;
  }

  rootElement(): MessageElement {
    return messageElement(this.root);
  }

  dispose(): void {
    if (this.doc === 0) return;
    xmlFreeDoc(this.doc);
    this.doc = 0;
  }
}

// ------------------------------------------------------------------ reading nodes

export const nodeType = (node: NodePointer): number => XmlTreeCommonStruct.type(node);
export const firstChild = (node: NodePointer): NodePointer => XmlTreeCommonStruct.children(node);
export const nextSibling = (node: NodePointer): NodePointer => XmlTreeCommonStruct.next(node);
/** The local name of an element or attribute. */
export const localName = (node: NodePointer): string => XmlTreeCommonStruct.name_(node);
/** The namespace URI of an element or attribute, '' when it has none. */
export function namespaceUri(node: NodePointer): string {
  const ns = XmlNamedNodeStruct.namespace(node);
  return ns === 0 ? '' : XmlNsStruct.href(ns);
}
/** The text of a node (for an element: the concatenated text of its descendants; for an attribute: its value). */
export const textContent = (node: NodePointer): string => xmlNodeGetContent(node);
export const firstAttribute = (element: NodePointer): NodePointer => XmlNodeStruct.properties(element);

export function messageElement(node: NodePointer): MessageElement {
  return { node, name: localName(node), namespaceUri: namespaceUri(node) };
}

/** The pointer behind one of libxml2-wasm's node wrappers (for callers holding an XmlElement). */
export function pointerOfNode(node: XmlNode): NodePointer {
  const pointer = (node as unknown as { _nodePtr?: unknown })._nodePtr;
  if (typeof pointer !== 'number' || pointer === 0) throw new XmlError('libxml2-wasm element without a node pointer');
  return pointer;
}

function pointerOfValidator(validator: XsdValidator): number {
  const pointer = (validator as unknown as { _ptr?: unknown })._ptr;
  if (typeof pointer !== 'number' || pointer === 0) throw new XmlError('libxml2-wasm XsdValidator without a schema pointer');
  return pointer;
}

// ------------------------------------------------------------------ validation

/**
 * Validates single elements against a compiled XSD with one reused libxml2 validation context
 * (libxml2 clears it after each run; it is replaced after a failure). Throws XmlValidateError with
 * libxml2's details, as XsdValidator.validate does.
 */
export class ElementValidator {
  private ctxt = 0;
  private readonly errors: ErrorDetail[] = [];
  private readonly errorSlot = libxmlErrors.storage.allocate(this.errors);
  private readonly schema: number;

  constructor(private readonly validator: XsdValidator) {
    this.schema = pointerOfValidator(validator);
  }

  validate(element: NodePointer): void {
    if (this.ctxt === 0) {
      this.ctxt = xmlSchemaNewValidCtxt(this.schema);
      if (this.ctxt === 0) throw new XmlError('libxml2: no schema validation context (out of memory)');
      xmlSchemaSetValidStructuredErrors(this.ctxt, libxmlErrors.errorCollector, this.errorSlot);
    }
    this.errors.length = 0;
    const result = xmlSchemaValidateOneElement(this.ctxt, element);
    if (result === 0) return;
    const details = [...this.errors];
    this.release();
    if (result < 0) throw new XmlError('Invalid input or internal error');
    throw XmlValidateError.fromDetails(details);
  }

  private release(): void {
    if (this.ctxt !== 0) xmlSchemaFreeValidCtxt(this.ctxt);
    this.ctxt = 0;
  }

  /** Frees the validation context and the compiled schema. */
  dispose(): void {
    this.release();
    libxmlErrors.storage.free(this.errorSlot);
    this.validator.dispose();
  }
}

// ------------------------------------------------------------------ self-check

/**
 * Reads a sample document both ways (these accessors, and libxml2-wasm's public wrappers) and
 * throws if they disagree: the low-level module is the library's internal API, this is what makes
 * an upgrade that changed it fail at start.
 */
export function checkLowLevelAccess(): void {
  const sample = Buffer.from('<?xml version="1.0"?><p:a xmlns:p="urn:x" p:m="1"><b>t&amp;u</b><!-- c --><c/>v</p:a>');
  const message = ParsedMessage.parse(sample);
  const doc = XmlDocument.fromBuffer(sample, { option: MESSAGE_PARSE_OPTIONS });
  try {
    const root = message.root;
    const wrapped = doc.root;
    const found: string[] = [];
    const expected: string[] = [];
    found.push(nodeType(root) === ELEMENT_NODE ? 'element' : 'other', localName(root), namespaceUri(root));
    expected.push('element', wrapped.name, wrapped.namespaceUri);
    const attribute = firstAttribute(root);
    found.push(localName(attribute), namespaceUri(attribute), textContent(attribute));
    const wrappedAttribute = wrapped.attrs[0];
    expected.push(wrappedAttribute?.name ?? '?', wrappedAttribute?.namespaceUri ?? '?', wrappedAttribute?.value ?? '?');
    for (let node = firstChild(root); node !== 0; node = nextSibling(node)) found.push(`${nodeType(node)}:${nodeType(node) === ELEMENT_NODE ? localName(node) : ''}:${textContent(node)}`);
    for (let node = wrapped.firstChild; node; node = node.next) {
      const type = node instanceof XmlElement ? ELEMENT_NODE : node instanceof XmlText ? TEXT_NODE : node instanceof XmlComment ? 8 : -1;
      expected.push(`${type}:${node instanceof XmlElement ? node.name : ''}:${node.content}`);
    }
    if (found.join('|') !== expected.join('|') || nodeType(pointerOfNode(wrapped)) !== ELEMENT_NODE || localName(pointerOfNode(wrapped)) !== wrapped.name) {
      throw new XmlError(`libxml2-wasm low-level access disagrees with its public API: ${found.join('|')} ≠ ${expected.join('|')}`);
    }
  } finally {
    doc.dispose();
    message.dispose();
  }
}

checkLowLevelAccess();
