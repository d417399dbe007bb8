// The XML schemas of a contract, read as documentation: global elements and named types by
// qualified name, and an element's content flattened into field rows (path, type, cardinality,
// constraints, documentation). A construct this reader does not know stops the generation with
// the file and line: a silently wrong reference is worse than none.
import path from 'node:path';
import { clark, documentation, isA, readXmlFile, resolveQName, splitClark, XS, type XNode } from './xml-tree.js';

interface Component {
  readonly node: XNode;
  readonly schema: SchemaDoc;
}

interface SchemaDoc {
  readonly file: string;
  readonly targetNamespace: string;
  readonly elementFormQualified: boolean;
}

export interface FieldRow {
  /** Path from the documented element, without prefixes, as fault 101 names a field: a/b/c. */
  readonly path: string;
  readonly type: string;
  readonly cardinality: string;
  readonly constraints: readonly string[];
  readonly documentation: string;
  /** The documentation of the field's named type alone ('' when none). */
  readonly typeDocumentation: string;
}

/** Facets of a simple type, most derived first. */
interface SimpleInfo {
  base: string;
  enumerations: string[];
  patterns: string[];
  bounds: Map<string, string>;
  documentation: string;
}

const BOUND_FACETS = ['length', 'minLength', 'maxLength', 'minInclusive', 'maxInclusive', 'minExclusive', 'maxExclusive', 'totalDigits', 'fractionDigits'];

function unsupported(schema: SchemaDoc, node: XNode): never {
  throw new Error(`${schema.file}:${node.line}: xs:${node.name} is not supported by the contract documentation generator`);
}

export class SchemaSet {
  readonly elements = new Map<string, Component>();
  readonly complexTypes = new Map<string, Component>();
  readonly simpleTypes = new Map<string, Component>();
  /** Namespace → prefix used in the documentation (the first declared wins; XML Schema is xs). */
  private readonly prefixes = new Map<string, string>([[XS, 'xs']]);
  private readonly loaded = new Set<string>();
  /** Every schema file read, absolute. */
  readonly files: string[] = [];

  /** Reads a schema file and what it imports or includes (relative schemaLocation only). */
  load(file: string, chameleonNamespace?: string): void {
    const absolute = path.resolve(file);
    const key = `${absolute}#${chameleonNamespace ?? ''}`;
    if (this.loaded.has(key)) return;
    this.loaded.add(key);
    this.files.push(absolute);
    const root = readXmlFile(absolute);
    if (!isA(root, XS, 'schema')) throw new Error(`${absolute}: not an XML schema`);
    const schema: SchemaDoc = {
      file: absolute,
      targetNamespace: root.attrs.get('targetNamespace') ?? chameleonNamespace ?? '',
      elementFormQualified: root.attrs.get('elementFormDefault') === 'qualified',
    };
    for (const [prefix, ns] of root.scope) if (prefix !== '' && !this.prefixes.has(ns)) this.prefixes.set(ns, prefix);
    for (const child of root.children) {
      if (child.ns !== XS) continue;
      const name = child.attrs.get('name');
      switch (child.name) {
        case 'import':
        case 'include': {
          const location = child.attrs.get('schemaLocation');
          if (!location) throw new Error(`${absolute}:${child.line}: xs:${child.name} without schemaLocation`);
          this.load(path.resolve(path.dirname(absolute), location), child.name === 'include' ? schema.targetNamespace : undefined);
          break;
        }
        case 'element':
          this.elements.set(clark(schema.targetNamespace, name!), { node: child, schema });
          break;
        case 'complexType':
          this.complexTypes.set(clark(schema.targetNamespace, name!), { node: child, schema });
          break;
        case 'simpleType':
          this.simpleTypes.set(clark(schema.targetNamespace, name!), { node: child, schema });
          break;
        case 'annotation':
          break;
        default:
          unsupported(schema, child);
      }
    }
  }

  /** prefix:local of a qualified name, with the prefix the schemas themselves use. */
  show(key: string): string {
    const { ns, local } = splitClark(key);
    const prefix = this.prefixes.get(ns);
    return prefix ? `${prefix}:${local}` : local;
  }

  element(key: string): Component {
    const found = this.elements.get(key);
    if (!found) throw new Error(`element ${key} is not declared in ${this.files.join(', ')}`);
    return found;
  }

  /** Whether the children of this global element are namespace-qualified on the wire. */
  childrenQualified(elementKey: string): boolean {
    return this.element(elementKey).schema.elementFormQualified;
  }

  /** The documentation of a global element, or of its type. */
  elementDocumentation(key: string): string {
    const { node, schema } = this.element(key);
    const own = documentation(node, XS);
    if (own) return own;
    const type = node.attrs.get('type');
    if (!type) return '';
    const typeKey = resolveQName(node, type, schema.targetNamespace);
    const named = this.complexTypes.get(typeKey) ?? this.simpleTypes.get(typeKey);
    return named ? documentation(named.node, XS) : '';
  }

  /** The fields inside a global element (its children, grandchildren…), in document order. */
  fieldsOf(key: string): FieldRow[] {
    const { node, schema } = this.element(key);
    const rows: FieldRow[] = [];
    const complex = this.complexContent(node, schema);
    if (complex) this.content(complex.node, complex.schema, '', rows, new Set(complex.key ? [complex.key] : []));
    return rows;
  }

  /** The complex type of an element declaration, or undefined for a simple one. */
  private complexContent(decl: XNode, schema: SchemaDoc): { node: XNode; schema: SchemaDoc; key?: string } | undefined {
    const type = decl.attrs.get('type');
    if (type) {
      const key = resolveQName(decl, type, schema.targetNamespace);
      const named = this.complexTypes.get(key);
      return named ? { node: named.node, schema: named.schema, key } : undefined;
    }
    const inline = decl.children.find((c) => isA(c, XS, 'complexType'));
    return inline ? { node: inline, schema } : undefined;
  }

  /** Rows for the particles of a complex type. */
  private content(type: XNode, schema: SchemaDoc, prefix: string, rows: FieldRow[], ancestors: ReadonlySet<string>): void {
    for (const child of type.children) {
      if (child.ns !== XS) continue;
      switch (child.name) {
        case 'sequence':
        case 'all':
        case 'choice':
          this.group(child, schema, prefix, rows, ancestors, []);
          break;
        case 'attribute':
          rows.push(this.attributeRow(child, schema, prefix));
          break;
        case 'annotation':
        case 'anyAttribute':
          break;
        default:
          unsupported(schema, child);
      }
    }
  }

  private group(group: XNode, schema: SchemaDoc, prefix: string, rows: FieldRow[], ancestors: ReadonlySet<string>, notes: readonly string[]): void {
    let inner = notes;
    if (group.name === 'choice') {
      const names = group.children.filter((c) => isA(c, XS, 'element')).map((c) => `\`${c.attrs.get('name') ?? c.attrs.get('ref')}\``);
      inner = [...notes, `un seul parmi ${names.join(', ')}`];
    }
    const groupCard = cardinality(group);
    if (groupCard !== '1') inner = [...inner, `groupe ${group.name === 'choice' ? 'de choix' : 'répété'} : ${groupCard}`];
    for (const particle of group.children) {
      if (particle.ns !== XS) continue;
      switch (particle.name) {
        case 'element':
          this.elementRows(particle, schema, prefix, rows, ancestors, inner);
          break;
        case 'sequence':
        case 'choice':
          this.group(particle, schema, prefix, rows, ancestors, inner);
          break;
        case 'annotation':
          break;
        default:
          unsupported(schema, particle);
      }
    }
  }

  private elementRows(decl: XNode, schema: SchemaDoc, prefix: string, rows: FieldRow[], ancestors: ReadonlySet<string>, notes: readonly string[]): void {
    let node = decl;
    let declSchema = schema;
    const ref = decl.attrs.get('ref');
    if (ref) {
      const global = this.element(resolveQName(decl, ref, schema.targetNamespace));
      node = global.node;
      declSchema = global.schema;
    }
    const name = node.attrs.get('name');
    if (!name) throw new Error(`${schema.file}:${decl.line}: element without a name`);
    const fieldPath = prefix ? `${prefix}/${name}` : name;
    const constraints: string[] = [...notes];
    let typeShown: string;
    let typeDoc: string;
    const complex = this.complexContent(node, declSchema);
    if (complex) {
      typeShown = complex.key ? `\`${this.show(complex.key)}\`` : 'structure';
      typeDoc = documentation(complex.node, XS);
    } else {
      const simple = this.simpleOf(node, declSchema);
      typeShown = simple.named ? `\`${this.show(simple.named)}\` (\`${simple.info.base}\`)` : `\`${simple.info.base}\``;
      constraints.push(...describeFacets(simple.info));
      typeDoc = simple.info.documentation;
    }
    const doc = documentation(node, XS) || typeDoc;
    if (node.attrs.get('nillable') === 'true') constraints.push('`xsi:nil` admis');
    for (const unique of node.children.filter((c) => isA(c, XS, 'unique') || isA(c, XS, 'key'))) {
      const selector = unique.children.find((c) => isA(c, XS, 'selector'))?.attrs.get('xpath') ?? '?';
      const fields = unique.children.filter((c) => isA(c, XS, 'field')).map((f) => `\`${stripPrefixes(f.attrs.get('xpath') ?? '?')}\``);
      constraints.push(`${fields.join(', ')} unique parmi les \`${stripPrefixes(selector)}\``);
    }
    rows.push({ path: fieldPath, type: typeShown, cardinality: cardinality(decl), constraints, documentation: doc, typeDocumentation: typeDoc });
    if (complex) {
      if (complex.key && ancestors.has(complex.key)) return;
      const inner = complex.key ? new Set([...ancestors, complex.key]) : ancestors;
      this.content(complex.node, complex.schema, fieldPath, rows, inner);
    }
  }

  private attributeRow(attr: XNode, schema: SchemaDoc, prefix: string): FieldRow {
    const name = attr.attrs.get('name') ?? unsupported(schema, attr);
    const simple = this.simpleOf(attr, schema);
    return {
      path: `${prefix ? `${prefix}/` : ''}@${name}`,
      type: simple.named ? `\`${this.show(simple.named)}\` (\`${simple.info.base}\`)` : `\`${simple.info.base}\``,
      cardinality: attr.attrs.get('use') === 'required' ? '1' : '0..1',
      constraints: describeFacets(simple.info),
      documentation: documentation(attr, XS) || simple.info.documentation,
      typeDocumentation: simple.info.documentation,
    };
  }

  /** The simple type of an element or attribute declaration (named, built-in or inline). */
  private simpleOf(decl: XNode, schema: SchemaDoc): { named?: string; info: SimpleInfo } {
    const type = decl.attrs.get('type');
    if (type) {
      const key = resolveQName(decl, type, schema.targetNamespace);
      if (splitClark(key).ns === XS) return { info: builtin(key, this) };
      return { named: key, info: this.namedSimple(key) };
    }
    const inline = decl.children.find((c) => isA(c, XS, 'simpleType'));
    if (!inline) return { info: builtin(clark(XS, 'anyType'), this) };
    return { info: this.simpleInfo(inline, schema) };
  }

  private namedSimple(key: string): SimpleInfo {
    const found = this.simpleTypes.get(key);
    if (!found) throw new Error(`simple type ${key} is not declared in ${this.files.join(', ')}`);
    return this.simpleInfo(found.node, found.schema);
  }

  private simpleInfo(type: XNode, schema: SchemaDoc): SimpleInfo {
    const restriction = type.children.find((c) => isA(c, XS, 'restriction'));
    if (!restriction) unsupported(schema, type.children.find((c) => c.ns === XS && c.name !== 'annotation') ?? type);
    const baseKey = resolveQName(restriction, restriction.attrs.get('base') ?? unsupported(schema, restriction), schema.targetNamespace);
    const base = splitClark(baseKey).ns === XS ? builtin(baseKey, this) : this.namedSimple(baseKey);
    const enumerations: string[] = [];
    const patterns: string[] = [];
    const bounds = new Map(base.bounds);
    for (const facet of restriction.children) {
      if (facet.ns !== XS || facet.name === 'annotation') continue;
      const value = facet.attrs.get('value') ?? '';
      if (facet.name === 'enumeration') enumerations.push(value);
      else if (facet.name === 'pattern') patterns.push(value);
      else if (BOUND_FACETS.includes(facet.name)) bounds.set(facet.name, value);
      else if (facet.name !== 'whiteSpace') unsupported(schema, facet);
    }
    return {
      base: base.base,
      // A derived enumeration narrows the base's; patterns of every derivation step all apply.
      enumerations: enumerations.length > 0 ? enumerations : base.enumerations,
      patterns: [...patterns, ...base.patterns],
      bounds,
      documentation: documentation(type, XS) || base.documentation,
    };
  }
}

function builtin(key: string, set: SchemaSet): SimpleInfo {
  return { base: set.show(key), enumerations: [], patterns: [], bounds: new Map(), documentation: '' };
}

const stripPrefixes = (xpath: string): string => xpath.replace(/[A-Za-z_][\w.-]*:/g, '');

/** min..max of a particle: 1, 0..1, 0..n, 2, 1..3. */
export function cardinality(particle: XNode): string {
  const min = particle.attrs.get('minOccurs') ?? '1';
  const rawMax = particle.attrs.get('maxOccurs') ?? '1';
  const max = rawMax === 'unbounded' ? 'n' : rawMax;
  return min === max ? min : `${min}..${max}`;
}

/** The facets of a simple type in French, e.g. "longueur 1 à 100", "motif `[0-9]{5}`". */
export function describeFacets(info: SimpleInfo): string[] {
  const out: string[] = [];
  const b = info.bounds;
  if (info.enumerations.length > 0) out.push(`valeurs : ${info.enumerations.map((v) => `\`${v}\``).join(', ')}`);
  if (b.has('length')) out.push(`longueur ${b.get('length')}`);
  const minL = b.get('minLength');
  const maxL = b.get('maxLength');
  if (minL !== undefined && maxL !== undefined) out.push(`longueur ${minL} à ${maxL}`);
  else if (maxL !== undefined) out.push(`longueur ≤ ${maxL}`);
  else if (minL !== undefined) out.push(`longueur ≥ ${minL}`);
  for (const [facet, symbol] of [['minInclusive', '≥'], ['minExclusive', '>'], ['maxInclusive', '≤'], ['maxExclusive', '<']] as const) {
    if (b.has(facet)) out.push(`${symbol} ${b.get(facet)}`);
  }
  if (b.has('totalDigits')) out.push(`${b.get('totalDigits')} chiffres au plus`);
  if (b.has('fractionDigits')) out.push(`${b.get('fractionDigits')} décimales au plus`);
  for (const p of info.patterns) out.push(`motif \`${p}\``);
  return out;
}
