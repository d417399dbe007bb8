// Compiled XML schemas, one per service version, built once at start (libxml2-wasm).
// Imports between our XSDs are resolved from the project's xsd/ folder only: the input provider
// registered here refuses any other file, so no schema or message can make libxml2 read the disk.
import fs from 'node:fs';
import path from 'node:path';
import { XmlDocument, XsdValidator, XmlValidateError, xmlRegisterInputProvider } from 'libxml2-wasm';
import type { XmlElement } from 'libxml2-wasm';
import { fsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';
import { EsavFault } from '../../domain/faults.js';
import { ElementValidator, pointerOfNode, type MessageElement } from './message-tree.js';

const allowedRoots = new Set<string>();
let providerRegistered = false;

function toFilePath(filename: string): string | null {
  try {
    const url = new URL(filename);
    return url.protocol === 'file:' ? decodeURIComponent(url.pathname) : null;
  } catch {
    return filename;
  }
}

function isInsideAllowedRoot(filename: string): boolean {
  const file = toFilePath(filename);
  if (file === null) return false;
  const resolved = path.resolve(file);
  for (const root of allowedRoots) {
    if (resolved.startsWith(root + path.sep)) return true;
  }
  return false;
}

function allowSchemaRoot(root: string): void {
  allowedRoots.add(path.resolve(root));
  if (providerRegistered) return;
  providerRegistered = xmlRegisterInputProvider({
    match: (filename) => isInsideAllowedRoot(filename) && fsInputProviders.match(filename),
    open: (filename) => (isInsideAllowedRoot(filename) ? fsInputProviders.open(filename) : undefined),
    read: (fd, buf) => fsInputProviders.read(fd, buf),
    close: (fd) => fsInputProviders.close(fd),
  });
}

/**
 * A compiled schema able to validate single elements of a parsed message, with one reused libxml2
 * validation context (src/adapters/soap/message-tree.ts, decision 0026).
 */
export class CompiledSchema {
  private readonly validator: ElementValidator;

  private constructor(
    readonly file: string,
    validator: XsdValidator,
  ) {
    this.validator = new ElementValidator(validator);
  }

  /**
   * Compiles an XSD file (and what it imports). `root` is the folder its imports may read from.
   * Throws with the file name and libxml2's message when the schema itself is broken.
   */
  static compile(file: string, root: string): CompiledSchema {
    allowSchemaRoot(root);
    const absolute = path.resolve(file);
    const doc = XmlDocument.fromBuffer(fs.readFileSync(absolute), { url: absolute });
    try {
      return new CompiledSchema(absolute, XsdValidator.fromDoc(doc));
    } catch (error) {
      throw new Error(`XSD ${absolute} does not compile: ${describe(error)}`);
    } finally {
      doc.dispose();
    }
  }

  /**
   * Validates one element (a header block or the Body's payload, or an element of a document parsed
   * with libxml2-wasm's public API); throws fault 101 naming the field.
   */
  validateElement(element: MessageElement | XmlElement): void {
    try {
      this.validator.validate('node' in element ? element.node : pointerOfNode(element));
    } catch (error) {
      if (error instanceof XmlValidateError) throw schemaFault(error);
      throw error;
    }
  }

  dispose(): void {
    this.validator.dispose();
  }
}

function describe(error: unknown): string {
  if (error instanceof XmlValidateError) return error.details.map((d) => d.message.trim()).join('; ');
  return error instanceof Error ? error.message : String(error);
}

const MAX_LIBELLE = 300;

/**
 * Turns libxml2's first validation error into fault 101. The field is given as a path from the
 * payload element without prefixes ("deposerSignalisation/contactSite/telephone"); for a missing
 * child the expected element is appended, so the operator reads which field to add.
 */
export function schemaFault(error: XmlValidateError): EsavFault {
  const first = error.details[0];
  const message = (first?.message ?? 'document invalide').trim();
  let champ = first?.xpath ? fieldPath(first.xpath) : undefined;
  if (champ) {
    // A missing mandatory field shows either as "Missing child element(s). Expected is ( x )" on
    // the parent, or as "This element is not expected. Expected is ( x )" on the element found
    // in its place: name the expected field, the one the operator has to add.
    const missing = /Missing child element\(s\)\. Expected is (?:one of )?\( ?([^ ,)]+)/.exec(message);
    const inPlaceOf = /This element is not expected\. Expected is \( ?([^ ,)]+) \)/.exec(message);
    if (missing?.[1]) champ = `${champ}/${localName(missing[1])}`;
    else if (inPlaceOf?.[1]) champ = `${parentPath(champ)}${localName(inPlaceOf[1])}`;
  }
  // Drop the {namespace} of qualified names, keep the enumeration sets ({'A', 'B'}).
  const readable = message.replace(/\{[^}\s']*\}(?=[A-Za-z_])/g, '');
  return new EsavFault(101, truncate(`Message non conforme au schéma : ${readable}`, MAX_LIBELLE), {
    ...(champ ? { champ } : {}),
  });
}

function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}

/** Cuts to at most `max` UTF-16 units on whole characters (never inside a surrogate pair). */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

function localName(qualified: string): string {
  return qualified.replace(/^\{[^}]*\}/, '').replace(/^[^:]*:/, '');
}

/** "/soapenv:Envelope/soapenv:Body/sig:op/sig:a[2]/sig:b" → "op/a[2]/b" (header blocks kept whole). */
export function fieldPath(xpath: string): string {
  const steps = xpath.split('/').filter((s) => s.length > 0).map(localName);
  const envelopeSteps = steps[0] === 'Envelope' && (steps[1] === 'Body' || steps[1] === 'Header') ? 2 : 0;
  return steps.slice(envelopeSteps).join('/');
}
