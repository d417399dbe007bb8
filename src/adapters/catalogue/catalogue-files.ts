// Reads the catalogue from catalog/ (YAML data, not code) and checks it before the gateway
// starts: a broken file stops the start with a message naming the file and the line.
// Each form version's fields are an XSD of their own (catalog/formulaires/<id>/v<N>.xsd): this
// loader compiles it, derives the field list from it and implements FormVersion.checkChamps with
// it (decision 0006) — the one place outside src/adapters/soap/ where the gateway handles XML.
import fs from 'node:fs';
import path from 'node:path';
import { ParseOption, XmlDocument, XmlElement, XmlParseError, XmlValidateError, XsdValidator } from 'libxml2-wasm';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import {
  champPath,
  endOfCoexistence,
  isSignalisationChannel,
  SIGNALISATION_CHANNELS,
  MAX_LIVE_FORM_VERSIONS,
  type Catalogue,
  type ChampValeur,
  type CodeLibelle,
  type FormField,
  type FormFieldBound,
  type FormFieldType,
  type FormVersion,
  type Guarantee,
  type Offer,
  type SignalisationChannel,
} from '../../domain/catalogue.js';
import { addCalendarMonths, isParisDay } from '../../domain/paris-calendar.js';
import { EsavFault } from '../../domain/faults.js';
import { describeInvalidXmlChar, escapeXmlText, firstInvalidXmlChar, firstInvalidXmlCharInFile, isXmlText } from '../../domain/xml-text.js';
import { ParsedMessage } from '../soap/message-tree.js';
import { CompiledSchema } from '../soap/schema-registry.js';

export class CatalogueError extends Error {
  constructor(file: string, line: number | undefined, problem: string) {
    super(`Catalogue ${file}${line !== undefined ? `:${line}` : ''}: ${problem}`);
    this.name = 'CatalogueError';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9_]{1,64}$/;
/** Longest libellé the contract publishes (com:Texte255). */
const MAX_LIBELLE = 255;

type Path = ReadonlyArray<string | number>;

/** One YAML file: its data, and the line of any value in it (for error messages). */
class Source {
  private readonly lines = new LineCounter();
  private readonly doc: Document;
  readonly data: unknown;

  constructor(readonly file: string) {
    const text = fs.readFileSync(file, 'utf8');
    refuseNonXmlFileText(file, text);
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
    const error = this.doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line ?? this.lines.linePos(error.pos[0]).line;
      throw new CatalogueError(file, line, `YAML invalide : ${error.message.split('\n')[0]}`);
    }
    this.refuseNonXmlScalars();
    this.data = this.doc.toJS();
  }

  /**
   * The file's text is checked before parsing (refuseNonXmlFileText); a double-quoted YAML escape
   * ("\a", "\x07", "\uFFFE") can still make a refused character from valid text.
   */
  private refuseNonXmlScalars(): void {
    visit(this.doc, {
      Scalar: (_key, node) => {
        const found = typeof node.value === 'string' ? firstInvalidXmlChar(node.value) : undefined;
        if (!found) return;
        const line = node.range ? this.lines.linePos(node.range[0]).line : undefined;
        throw new CatalogueError(this.file, line, `valeur : ${describeInvalidXmlChar(found)}`);
      },
    });
  }

  /** The line of the value at `path`, or of its closest existing parent. */
  lineOf(at: Path): number | undefined {
    for (let n = at.length; n >= 0; n--) {
      const node = this.doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  fail(at: Path, problem: string): never {
    throw new CatalogueError(this.file, this.lineOf(at), problem);
  }
}

/**
 * Catalogue text reaches the operators' answers: XML 1.0 characters only (decision 0012), anywhere
 * in the file (the exact line and column of the first refused character).
 */
function refuseNonXmlFileText(file: string, text: string): void {
  const found = firstInvalidXmlCharInFile(text);
  if (found) throw new CatalogueError(file, found.line, describeInvalidXmlChar(found, `en colonne ${found.column}`));
}

const show = (at: Path) => at.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');

function get(value: unknown, key: string | number): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[key] : undefined;
}

class Reader {
  constructor(private readonly src: Source) {}

  value(at: Path): unknown {
    return at.reduce<unknown>((v, k) => get(v, k), this.src.data);
  }

  str(at: Path, pattern?: RegExp): string {
    const v = this.value(at);
    if (typeof v !== 'string' || v.length === 0) this.src.fail(at, `${show(at)} doit être une chaîne non vide`);
    if (pattern && !pattern.test(v)) this.src.fail(at, `${show(at)} invalide : ${JSON.stringify(v)}`);
    return v;
  }

  date(at: Path): string {
    const v = this.str(at, DATE);
    if (!isParisDay(v)) this.src.fail(at, `${show(at)} n'est pas une date du calendrier : ${v}`);
    return v;
  }

  libelle(at: Path): string {
    const v = this.str(at);
    if (v.length > MAX_LIBELLE) this.src.fail(at, `${show(at)} dépasse ${MAX_LIBELLE} caractères`);
    return v;
  }

  channel(at: Path): SignalisationChannel {
    const v = this.str(at);
    if (!isSignalisationChannel(v)) this.src.fail(at, `canal inconnu ${JSON.stringify(v)} (canaux : ${SIGNALISATION_CHANNELS.join(', ')})`);
    return v;
  }

  absent(at: Path, why: string): void {
    if (this.value(at) !== undefined) this.src.fail(at, `${show(at)} non admis : ${why}`);
  }

  bool(at: Path, fallback: boolean): boolean {
    const v = this.value(at);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.src.fail(at, `${show(at)} doit valoir true ou false`);
    return v;
  }

  positive(at: Path, integer = false): number {
    const v = this.value(at);
    if (typeof v !== 'number' || v <= 0 || (integer && !Number.isInteger(v))) {
      this.src.fail(at, `${show(at)} doit être un ${integer ? 'entier' : 'nombre'} positif`);
    }
    return v;
  }

  list<T>(at: Path, item: (at: Path) => T, optional = false): T[] {
    const v = this.value(at);
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) this.src.fail(at, `${show(at)} doit être une liste`);
    return v.map((_, i) => item([...at, i]));
  }

  codeList(at: Path, optional = false): CodeLibelle[] {
    const list = this.list(at, (p) => ({ code: this.str([...p, 'code'], CODE), libelle: this.libelle([...p, 'libelle']) }), optional);
    list.forEach((entry, i) => {
      if (list.findIndex((e) => e.code === entry.code) !== i) this.src.fail([...at, i, 'code'], `code ${entry.code} en double`);
    });
    return list;
  }

  fail(at: Path, problem: string): never {
    return this.src.fail(at, problem);
  }

  /** "catalog/offres/X.yaml:12", to point from an XSD error back to the form entry. */
  where(at: Path): string {
    const line = this.src.lineOf(at);
    return `${this.src.file}${line !== undefined ? `:${line}` : ''}`;
  }
}

// ===== form versions =====

/** A form version as written in the offer's YAML, before its schema is read. */
interface FormEntry {
  at: Path;
  idFormulaire: string;
  version: number;
  dateProduction: string;
  schema: string;
}

function readFormEntry(r: Reader, at: Path): FormEntry {
  r.absent([...at, 'finCoexistence'], 'la fin de coexistence est calculée (dateProduction de la version suivante + 1 mois)');
  r.absent([...at, 'champs'], 'les champs sont ceux du schéma XSD de la version (clé schema)');
  return {
    at,
    idFormulaire: r.str([...at, 'idFormulaire'], CODE),
    version: r.positive([...at, 'version'], true),
    dateProduction: r.date([...at, 'dateProduction']),
    schema: r.str([...at, 'schema']),
  };
}

/**
 * The version rules of spec §3 on one offer's forms: one form per offer (idFormulaire = offer
 * code), versions 1..n in order without gaps, production dates increasing, never more than two
 * versions live on the same day, version 1 in production when the offer is marketed (so that
 * consulterCatalogue always has a live form to show). Returns each entry's derived finCoexistence.
 */
function checkVersions(r: Reader, offer: { code: string; dateCommercialisation: string }, entries: FormEntry[]): (string | null)[] {
  entries.forEach((e, i) => {
    if (e.idFormulaire !== offer.code) {
      r.fail([...e.at, 'idFormulaire'], `formulaire ${e.idFormulaire} : le formulaire d'une offre porte le code de l'offre (${offer.code})`);
    }
    if (e.version !== i + 1) {
      r.fail([...e.at, 'version'], `version ${e.version} trouvée, version ${i + 1} attendue (versions numérotées 1..n sans trou, dans l'ordre)`);
    }
    const previous = entries[i - 1];
    if (previous && e.dateProduction <= previous.dateProduction) {
      r.fail([...e.at, 'dateProduction'], `dateProduction ${e.dateProduction} de la version ${e.version} non postérieure à celle de la version ${previous.version} (${previous.dateProduction})`);
    }
  });
  const first = entries[0];
  if (first && first.dateProduction > offer.dateCommercialisation) {
    r.fail([...first.at, 'dateProduction'], `la version 1 doit être en production au plus tard à la commercialisation de l'offre (${offer.dateCommercialisation})`);
  }
  const fins = entries.map((_, i) => {
    const next = entries[i + 1];
    return next ? endOfCoexistence(next.dateProduction) : null;
  });
  // Version i is live on [dateProduction(i), fin(i)); versions are ordered, so more than two live
  // on one day means version i + 2 starts before version i ends.
  entries.forEach((e, i) => {
    const older = i - MAX_LIVE_FORM_VERSIONS;
    const olderFin = older >= 0 ? fins[older] : null;
    if (olderFin && e.dateProduction < olderFin) {
      r.fail(
        [...e.at, 'dateProduction'],
        `${MAX_LIVE_FORM_VERSIONS + 1} versions en service le ${e.dateProduction} : la version ${older + 1} reste acceptée jusqu'au ${olderFin} exclu ` +
          `(dateProduction de la version ${older + 2} + 1 mois) ; la version ${e.version} doit entrer en production le ${olderFin} au plus tôt`,
      );
    }
  });
  return fins;
}

const XS = 'http://www.w3.org/2001/XMLSchema';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const FORM_ROOT = 'champs';

/** The namespace of a form version's schema, e.g. urn:esav:formulaire:FTTH_PASSIF:v1. */
export function formNamespace(idFormulaire: string, version: number): string {
  return `urn:esav:formulaire:${idFormulaire}:v${version}`;
}

function xsChildren(e: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = e.firstChild; n; n = n.next) if (n instanceof XmlElement) out.push(n);
  return out;
}

const isXs = (e: XmlElement, localName: string) => e.namespaceUri === XS && e.name === localName;
const attribute = (e: XmlElement, name: string): string | undefined => e.attr(name)?.value;

/** Reads a form version's XSD: checks its shape and derives its fields (code, libellé, obligatoire, type and facets). */
function readFormFields(file: string, expectedNamespace: string, context: string): FormField[] {
  const fail = (node: { line: number } | undefined, problem: string): never => {
    throw new CatalogueError(file, node?.line, `${problem} (${context})`);
  };
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(fs.readFileSync(file), { url: file, option: ParseOption.XML_PARSE_NONET });
  } catch (error) {
    if (error instanceof XmlParseError) {
      const first = error.details[0];
      throw new CatalogueError(file, first?.line, `XML invalide : ${(first?.message ?? error.message).trim()} (${context})`);
    }
    throw error;
  }
  try {
    const schema = doc.root;
    if (!isXs(schema, 'schema')) fail(schema, 'la racine doit être xs:schema');
    if (attribute(schema, 'targetNamespace') !== expectedNamespace) fail(schema, `targetNamespace doit valoir ${expectedNamespace}`);
    if (attribute(schema, 'elementFormDefault') !== 'qualified') fail(schema, 'elementFormDefault doit valoir qualified');
    const simpleTypes = new Set<string>();
    const complexTypes = new Set<string>();
    const namedSimpleTypes = new Map<string, XmlElement>();
    const roots: XmlElement[] = [];
    for (const e of xsChildren(schema)) {
      if (e.namespaceUri !== XS) fail(e, `élément ${e.name} inattendu dans xs:schema`);
      if (['import', 'include', 'redefine', 'override'].includes(e.name)) fail(e, `xs:${e.name} interdit : le schéma d'un formulaire est autonome`);
      if (e.name === 'element') roots.push(e);
      if (e.name === 'simpleType') {
        simpleTypes.add(attribute(e, 'name') ?? '');
        namedSimpleTypes.set(attribute(e, 'name') ?? '', e);
      }
      if (e.name === 'complexType') complexTypes.add(attribute(e, 'name') ?? '');
    }
    const root = roots[0];
    if (roots.length !== 1 || !root || attribute(root, 'name') !== FORM_ROOT) {
      fail(roots[1] ?? root ?? schema, `le schéma déclare un seul élément racine, ${FORM_ROOT}`);
    }
    const rootChildren = xsChildren(root!).filter((e) => !isXs(e, 'annotation'));
    const complexType = rootChildren[0];
    if (rootChildren.length !== 1 || !complexType || !isXs(complexType, 'complexType') || attribute(root!, 'type') !== undefined) {
      fail(root, `${FORM_ROOT} doit avoir un xs:complexType anonyme contenant xs:all`);
    }
    const content = xsChildren(complexType!).filter((e) => !isXs(e, 'annotation'));
    const all = content[0];
    if (content.length !== 1 || !all || !isXs(all, 'all')) fail(complexType, `le contenu de ${FORM_ROOT} doit être un xs:all (un élément par champ, sans attribut)`);
    if (attribute(complexType!, 'mixed') === 'true') fail(complexType, `${FORM_ROOT} ne peut pas être mixed`);

    const fields: FormField[] = [];
    for (const e of xsChildren(all!)) {
      if (isXs(e, 'annotation')) continue;
      if (!isXs(e, 'element')) fail(e, `xs:all ne contient que des xs:element (un par champ), pas ${e.name}`);
      if (attribute(e, 'ref') !== undefined) fail(e, 'un champ est déclaré avec name (pas de ref)');
      const code = attribute(e, 'name') ?? '';
      if (!CODE.test(code)) fail(e, `code de champ invalide : ${JSON.stringify(code)} (lettres, chiffres, _ ; 64 au plus)`);
      if (fields.some((f) => f.code === code)) fail(e, `champ ${code} en double`);
      const minOccurs = attribute(e, 'minOccurs') ?? '1';
      if (minOccurs !== '0' && minOccurs !== '1') fail(e, `champ ${code} : minOccurs vaut 1 (obligatoire) ou 0 (facultatif)`);
      const maxOccurs = attribute(e, 'maxOccurs') ?? '1';
      if (maxOccurs !== '1') fail(e, `champ ${code} : maxOccurs doit valoir 1`);
      checkSimpleType(e, code, simpleTypes, complexTypes, expectedNamespace, fail);
      const libelle = documentation(e, code, fail);
      const { aideDuType, ...typed } = fieldType(e, code, namedSimpleTypes, expectedNamespace, fail);
      const aide = helpText(e, libelle) ?? aideDuType;
      fields.push({ code, libelle, obligatoire: minOccurs === '1', ...typed, ...(aide !== undefined ? { aide } : {}) });
    }
    return fields;
  } finally {
    doc.dispose();
  }
}

/** A field is typed with a real simple type: a named xs:simpleType of the file, a built-in one, or an inline one. */
function checkSimpleType(
  e: XmlElement,
  code: string,
  simpleTypes: ReadonlySet<string>,
  complexTypes: ReadonlySet<string>,
  targetNamespace: string,
  fail: (node: XmlElement, problem: string) => never,
): void {
  const inline = xsChildren(e).filter((c) => !isXs(c, 'annotation'));
  const type = attribute(e, 'type');
  if (type === undefined) {
    const only = inline[0];
    if (inline.length !== 1 || !only || !isXs(only, 'simpleType')) fail(e, `champ ${code} : un type simple est requis (attribut type ou xs:simpleType)`);
    return;
  }
  if (inline.length > 0) fail(e, `champ ${code} : attribut type et type anonyme à la fois`);
  const colon = type.indexOf(':');
  const prefix = colon < 0 ? '' : type.slice(0, colon);
  const local = type.slice(colon + 1);
  const namespace = e.namespaces[prefix];
  if (namespace === XS) {
    if (local === 'anyType' || local === 'anySimpleType') fail(e, `champ ${code} : xs:${local} n'est pas un type de champ`);
    return;
  }
  if (namespace !== targetNamespace || complexTypes.has(local) || !simpleTypes.has(local)) {
    fail(e, `champ ${code} : le type ${type} doit être un xs:simpleType déclaré dans ce schéma ou un type simple XSD`);
  }
}

/** The field's French label: xs:annotation/xs:documentation (xml:lang="fr" preferred). */
function documentation(e: XmlElement, code: string, fail: (node: XmlElement, problem: string) => never): string {
  const docs = xsChildren(e)
    .filter((c) => isXs(c, 'annotation'))
    .flatMap((a) => xsChildren(a).filter((d) => isXs(d, 'documentation')));
  const chosen = docs.find((d) => d.attr('lang', 'xml')?.value === 'fr' || attributeNs(d, 'lang', XML_NS) === 'fr') ?? docs[0];
  const text = chosen?.content.replace(/\s+/g, ' ').trim() ?? '';
  if (text === '') fail(e, `champ ${code} : libellé manquant (xs:annotation/xs:documentation)`);
  if (text.length > MAX_LIBELLE) fail(chosen ?? e, `champ ${code} : libellé de plus de ${MAX_LIBELLE} caractères`);
  return text;
}

/** French xs:documentation texts of an element's xs:annotation, blanks collapsed, in order. */
function frenchDocumentation(e: XmlElement): string[] {
  return xsChildren(e)
    .filter((c) => isXs(c, 'annotation'))
    .flatMap((a) => xsChildren(a).filter((d) => isXs(d, 'documentation')))
    .filter((d) => d.attr('lang', 'xml')?.value === 'fr' || attributeNs(d, 'lang', XML_NS) === 'fr')
    .map((d) => d.content.replace(/\s+/g, ' ').trim())
    .filter((text) => text !== '');
}

/** A field's help text: a French documentation of the element other than its libellé. */
function helpText(e: XmlElement, libelle: string): string | undefined {
  return frenchDocumentation(e).find((text) => text !== libelle);
}

/** The built-in XSD types a field may restrict, as a form enters them. */
const BUILTIN_FIELD_TYPES: Readonly<Record<string, FormFieldType>> = {
  integer: 'integer', int: 'integer', long: 'integer', short: 'integer', byte: 'integer',
  nonNegativeInteger: 'integer', positiveInteger: 'integer', nonPositiveInteger: 'integer', negativeInteger: 'integer',
  unsignedLong: 'integer', unsignedInt: 'integer', unsignedShort: 'integer', unsignedByte: 'integer',
  decimal: 'decimal', float: 'decimal', double: 'decimal',
  date: 'date', dateTime: 'dateTime', time: 'time', boolean: 'boolean',
};

/** Bounds implied by a built-in integer type (the ones a form is likely to meet). */
const BUILTIN_BOUNDS: Readonly<Record<string, { min?: string; max?: string }>> = {
  nonNegativeInteger: { min: '0' }, positiveInteger: { min: '1' }, nonPositiveInteger: { max: '0' }, negativeInteger: { max: '-1' },
  unsignedLong: { min: '0', max: '18446744073709551615' }, unsignedInt: { min: '0', max: '4294967295' },
  unsignedShort: { min: '0', max: '65535' }, unsignedByte: { min: '0', max: '255' },
  long: { min: '-9223372036854775808', max: '9223372036854775807' }, int: { min: '-2147483648', max: '2147483647' },
  short: { min: '-32768', max: '32767' }, byte: { min: '-128', max: '127' },
};

type TypedPart = Omit<FormField, 'code' | 'libelle' | 'obligatoire' | 'aide'> & { aideDuType?: string };

/**
 * A field's type as a form needs it: follows the restrictions from the field's type down to the
 * built-in type, merging the facets on the way (the most derived value of a facet wins, as XSD
 * requires each restriction to narrow its base; patterns of every step apply together).
 */
function fieldType(
  e: XmlElement,
  code: string,
  named: ReadonlyMap<string, XmlElement>,
  targetNamespace: string,
  fail: (node: XmlElement, problem: string) => never,
): TypedPart {
  /** Facet name → the first one met going down the restrictions (the most derived), with its depth. */
  const facets = new Map<string, { facet: XmlElement; depth: number }>();
  const firstFacet = (name: string) => facets.get(name)?.facet;
  let valeurs: CodeLibelle[] | undefined;
  const motifs: string[][] = [];
  let aideDuType: string | undefined;
  let builtin: string | undefined;
  const seen = new Set<XmlElement>();

  /** A QName used in `node` as a type: the built-in local name, or the named simple type of this schema. */
  const resolve = (qname: string, node: XmlElement): XmlElement | undefined => {
    const colon = qname.indexOf(':');
    const namespace = node.namespaces[colon < 0 ? '' : qname.slice(0, colon)];
    const local = qname.slice(colon + 1);
    if (namespace === XS) {
      builtin = local;
      return undefined;
    }
    const found = namespace === targetNamespace ? named.get(local) : undefined;
    if (!found) fail(node, `champ ${code} : le type ${qname} doit être un xs:simpleType déclaré dans ce schéma ou un type simple XSD`);
    return found;
  };

  const typeAttribute = attribute(e, 'type');
  let step: XmlElement | undefined = typeAttribute !== undefined ? resolve(typeAttribute, e) : xsChildren(e).find((c) => isXs(c, 'simpleType'));
  for (let depth = 0; step; depth++) {
    if (seen.has(step)) fail(step, `champ ${code} : type défini par lui-même`);
    seen.add(step);
    aideDuType ??= frenchDocumentation(step)[0];
    const derivation = xsChildren(step).find((c) => !isXs(c, 'annotation'));
    if (!derivation || !isXs(derivation, 'restriction')) {
      // xs:list and xs:union: entered as text, checked by the schema only.
      builtin = derivation ? derivation.name : 'string';
      break;
    }
    const stepPatterns: string[] = [];
    const stepValues: CodeLibelle[] = [];
    for (const facet of xsChildren(derivation)) {
      if (isXs(facet, 'annotation') || isXs(facet, 'simpleType')) continue;
      const value = attribute(facet, 'value') ?? '';
      if (isXs(facet, 'pattern')) stepPatterns.push(value);
      else if (isXs(facet, 'enumeration')) stepValues.push({ code: value, libelle: frenchDocumentation(facet)[0] ?? value });
      else if (!facets.has(facet.name)) facets.set(facet.name, { facet, depth });
    }
    if (stepPatterns.length > 0) motifs.push(stepPatterns);
    if (stepValues.length > 0) valeurs ??= stepValues;
    const base = attribute(derivation, 'base');
    step = base !== undefined ? resolve(base, derivation) : xsChildren(derivation).find((c) => isXs(c, 'simpleType'));
  }
  const xsdType = builtin ?? 'string';
  const number = (name: string): number | undefined => {
    const facet = firstFacet(name);
    return facet ? Number(attribute(facet, 'value')) : undefined;
  };
  const bound = (inclusive: string, exclusive: string, implied: string | undefined): FormFieldBound | undefined => {
    // The most derived of the two facets (each step narrows): the first one met on the way down.
    const candidates = [facets.get(inclusive), facets.get(exclusive)].filter((f) => f !== undefined);
    const chosen = candidates.sort((a, b) => a.depth - b.depth)[0]?.facet;
    if (chosen) return { valeur: attribute(chosen, 'value') ?? '', inclus: chosen.name === inclusive };
    return implied !== undefined ? { valeur: implied, inclus: true } : undefined;
  };
  const whiteSpace = firstFacet('whiteSpace');
  const espaces = (whiteSpace ? attribute(whiteSpace, 'value') : xsdType === 'string' ? 'preserve' : xsdType === 'normalizedString' ? 'replace' : 'collapse') as FormField['espaces'];
  const length = number('length');
  const min = bound('minInclusive', 'minExclusive', BUILTIN_BOUNDS[xsdType]?.min);
  const max = bound('maxInclusive', 'maxExclusive', BUILTIN_BOUNDS[xsdType]?.max);
  const longueurMin = length ?? number('minLength');
  const longueurMax = length ?? number('maxLength');
  const chiffresMax = number('totalDigits');
  const decimalesMax = number('fractionDigits');
  return {
    type: valeurs ? 'enumeration' : (BUILTIN_FIELD_TYPES[xsdType] ?? 'text'),
    typeXsd: xsdType,
    espaces,
    ...(valeurs ? { valeurs } : {}),
    ...(motifs.length > 0 ? { motifs } : {}),
    ...(longueurMin !== undefined ? { longueurMin } : {}),
    ...(longueurMax !== undefined ? { longueurMax } : {}),
    ...(min ? { min } : {}),
    ...(max ? { max } : {}),
    ...(chiffresMax !== undefined ? { chiffresMax } : {}),
    ...(decimalesMax !== undefined ? { decimalesMax } : {}),
    ...(aideDuType !== undefined ? { aideDuType } : {}),
  };
}

function attributeNs(e: XmlElement, name: string, namespace: string): string | undefined {
  return e.attrs.find((a) => a.name === name && a.namespaceUri === namespace)?.value;
}

/** Compiles a form schema already checked by readFormFields (its only reads are inside `root`). */
function compileFormSchema(file: string, root: string, context: string): CompiledSchema {
  try {
    return CompiledSchema.compile(file, root);
  } catch (error) {
    // CompiledSchema reports libxml2's message without its line: compile once more to find it.
    let line: number | undefined;
    let message = error instanceof Error ? error.message.replace(/^XSD .* does not compile: /, '') : String(error);
    const doc = XmlDocument.fromBuffer(fs.readFileSync(file), { url: file, option: ParseOption.XML_PARSE_NONET });
    try {
      XsdValidator.fromDoc(doc).dispose();
    } catch (detail) {
      if (detail instanceof XmlValidateError && detail.details[0]) {
        line = detail.details[0].line || undefined;
        message = detail.details[0].message.trim();
      }
    } finally {
      doc.dispose();
    }
    throw new CatalogueError(file, line, `schéma XSD invalide : ${message} (${context})`);
  }
}

const SCHEMA_FAULT_PREFIX = /^Message non conforme au schéma : (?:Element '[^']*': )?/;

/** libxml2's reason (fault 101 text) in French, for the operator. */
function reason(schemaMessage: string): string {
  const m = schemaMessage.replace(SCHEMA_FAULT_PREFIX, '');
  let r: RegExpExecArray | null;
  if ((r = /\[facet 'pattern'\] The value .* is not accepted by the pattern '(.*)'/s.exec(m))) return `format attendu : ${r[1]}`;
  if ((r = /\[facet 'maxLength'\].*maximum length of '(\d+)'/s.exec(m))) return `${r[1]} caractères au plus`;
  if ((r = /\[facet 'minLength'\].*minimum length of '(\d+)'/s.exec(m))) return `${r[1]} caractère(s) au moins`;
  if ((r = /\[facet 'length'\].*length of '(\d+)'/s.exec(m))) return `exactement ${r[1]} caractères`;
  if ((r = /\[facet 'enumeration'\].*the set \{(.*)\}/s.exec(m))) return `valeurs admises : ${r[1]}`;
  if ((r = /\[facet '(?:min|max)(?:In|Ex)clusive'\]/.exec(m))) return 'valeur hors des bornes admises';
  if ((r = /is not a valid value of the (?:local )?atomic type '([^']*)'/.exec(m))) return `valeur non valide pour le type ${r[1]}`;
  return 'valeur non conforme au type du champ';
}

/** FormVersion.checkChamps for one version: a small document validated with its compiled schema. */
function champsChecker(idFormulaire: string, version: number, fields: FormField[], schema: CompiledSchema): FormVersion['checkChamps'] {
  const namespace = formNamespace(idFormulaire, version);
  const byCode = new Map(fields.map((f) => [f.code, f]));
  const form = `formulaire ${idFormulaire} v${version}`;
  const fault = (code: string, libelle: string) => new EsavFault(303, libelle, { champ: champPath(code) });
  const named = (f: FormField) => `${f.code} (${f.libelle})`;

  return (champs: ReadonlyArray<ChampValeur>): void => {
    const seen = new Set<string>();
    for (const c of champs) {
      const field = byCode.get(c.code);
      if (!field) {
        const known = fields.length > 0 ? `champs admis : ${fields.map((f) => f.code).join(', ')}` : 'aucun champ admis';
        throw fault(c.code, `Champ ${c.code} inconnu du ${form} (${known})`);
      }
      if (seen.has(c.code)) throw fault(c.code, `Champ ${named(field)} présent plusieurs fois`);
      seen.add(c.code);
      if (!isXmlText(c.valeur)) throw fault(c.code, `Valeur du champ ${named(field)} invalide : caractère interdit`);
    }
    for (const field of fields) {
      if (!field.obligatoire) continue;
      const given = champs.find((c) => c.code === field.code);
      if (!given) throw fault(field.code, `Champ obligatoire ${named(field)} absent (${form})`);
      if (given.valeur.trim() === '') throw fault(field.code, `Champ obligatoire ${named(field)} vide (${form})`);
    }
    if (champs.length === 0) return;

    // Element names are known codes only (checked above); values are escaped character data.
    const xml =
      `<f:${FORM_ROOT} xmlns:f="${namespace}">` +
      champs.map((c) => `<f:${c.code}>${escapeXmlText(c.valeur)}</f:${c.code}>`).join('') +
      `</f:${FORM_ROOT}>`;
    const doc = ParsedMessage.parse(Buffer.from(xml, 'utf8'), ParseOption.XML_PARSE_NONET);
    try {
      schema.validateElement(doc.rootElement());
    } catch (error) {
      if (!(error instanceof EsavFault)) throw error;
      // The path is "champs/<CODE>" (prefixes dropped); fall back to the only field sent.
      const step = error.champ?.split('/')[1]?.replace(/\[\d+\]$/, '');
      const field = (step && byCode.get(step)) ?? (champs.length === 1 ? byCode.get(champs[0]!.code) : undefined);
      if (!field) throw new EsavFault(303, `Champs invalides pour le ${form} : ${reason(error.libelle)}`, { champ: 'champs' });
      throw fault(field.code, `Valeur du champ ${named(field)} invalide pour le ${form} : ${reason(error.libelle)}`);
    } finally {
      doc.dispose();
    }
  };
}

/** Reads one form version: its schema file, its fields, its checker. */
function loadFormVersion(r: Reader, dir: string, entry: FormEntry, finCoexistence: string | null): FormVersion {
  const { idFormulaire, version } = entry;
  const expected = `formulaires/${idFormulaire}/v${version}.xsd`;
  if (entry.schema !== expected) r.fail([...entry.at, 'schema'], `schema doit valoir ${expected} (trouvé : ${entry.schema})`);
  const file = path.join(dir, 'formulaires', idFormulaire, `v${version}.xsd`);
  if (!fs.existsSync(file)) r.fail([...entry.at, 'schema'], `schéma introuvable : ${file}`);
  const context = `formulaire ${idFormulaire} v${version}, ${r.where([...entry.at, 'schema'])}`;
  const champs = readFormFields(file, formNamespace(idFormulaire, version), context);
  const schema = compileFormSchema(file, dir, context);
  return {
    idFormulaire,
    version,
    dateProduction: entry.dateProduction,
    finCoexistence,
    champs,
    checkChamps: champsChecker(idFormulaire, version, champs, schema),
  };
}

// ===== offers =====

function readOffer(src: Source, guarantees: ReadonlyMap<string, Guarantee>, dir: string): Offer {
  const r = new Reader(src);
  const code = r.str(['code'], CODE);
  if (path.basename(src.file, '.yaml') !== code) r.fail(['code'], `le nom du fichier doit être le code de l'offre (${code}.yaml)`);
  const dateCommercialisation = r.date(['dateCommercialisation']);
  const dateMiseEnPlace = r.date(['dateMiseEnPlace']);
  if (dateMiseEnPlace < dateCommercialisation) r.fail(['dateMiseEnPlace'], 'dateMiseEnPlace antérieure à dateCommercialisation');
  const earliestSetUp = addCalendarMonths(dateCommercialisation, 1);
  if (dateMiseEnPlace < earliestSetUp) {
    r.fail(['dateMiseEnPlace'], `dateMiseEnPlace au moins un mois après dateCommercialisation (le ${earliestSetUp} au plus tôt)`);
  }
  const entries = r.list(['formulaires'], (p) => readFormEntry(r, p));
  if (entries.length === 0) r.fail(['formulaires'], 'au moins un formulaire est requis');
  const fins = checkVersions(r, { code, dateCommercialisation }, entries);
  const offer: Offer = {
    code,
    libelle: r.libelle(['libelle']),
    technologie: r.str(['technologie'], CODE),
    offreActivee: r.bool(['offreActivee'], false),
    dateCommercialisation,
    dateMiseEnPlace,
    canauxSignalisation: r.list(['canauxSignalisation'], (p) => r.channel(p)),
    garanties: r.list(['garanties'], (p) => r.str(p, CODE)),
    tests: {
      disponibles: r.list(['tests', 'disponibles'], (p) => r.str(p, CODE), true),
      testPrealableRequis: r.bool(['tests', 'testPrealableRequis'], false),
      validiteTestPrealableHeures: r.value(['tests', 'validiteTestPrealableHeures']) === undefined ? 48 : r.positive(['tests', 'validiteTestPrealableHeures']),
    },
    nomenclatures: {
      defautDeclare: r.codeList(['nomenclatures', 'defautDeclare']),
      localisationPresumee: r.codeList(['nomenclatures', 'localisationPresumee'], true),
    },
    formulaires: entries.map((entry, i) => loadFormVersion(r, dir, entry, fins[i] ?? null)),
  };
  if (offer.canauxSignalisation.length === 0) r.fail(['canauxSignalisation'], 'au moins un canal de signalisation est requis');
  if (offer.garanties.length === 0) r.fail(['garanties'], 'au moins une garantie est requise');
  offer.garanties.forEach((g, i) => {
    if (!guarantees.has(g)) r.fail(['garanties', i], `garantie inconnue ${g} (absente de garanties.yaml)`);
  });
  return offer;
}

function readGuarantees(file: string): Map<string, Guarantee> {
  const r = new Reader(new Source(file));
  const map = new Map<string, Guarantee>();
  r.list(['garanties'], (p) => {
    const g: Guarantee = {
      code: r.str([...p, 'code'], CODE),
      libelle: r.libelle([...p, 'libelle']),
      delaiHeures: r.positive([...p, 'delaiHeures']),
      heuresOuvrees: r.bool([...p, 'heuresOuvrees'], false),
    };
    if (map.has(g.code)) r.fail([...p, 'code'], `garantie ${g.code} en double`);
    map.set(g.code, g);
  });
  return map;
}

/** Loads catalog/garanties.yaml, catalog/offres/*.yaml and the form schemas in catalog/formulaires/. */
export function loadCatalogue(dir: string): Catalogue {
  const guarantees = readGuarantees(path.join(dir, 'garanties.yaml'));
  const offersDir = path.join(dir, 'offres');
  const offers = new Map<string, Offer>();
  for (const name of fs.readdirSync(offersDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const offer = readOffer(new Source(path.join(offersDir, name)), guarantees, path.resolve(dir));
    offers.set(offer.code, offer);
  }
  if (offers.size === 0) throw new CatalogueError(offersDir, undefined, 'aucune offre (fichiers <CODE>.yaml attendus)');
  return { offers, guarantees };
}
