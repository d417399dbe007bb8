// A published WSDL (1.1, SOAP 1.1 binding, document/literal) read as documentation: the service,
// its address path, and per operation its SOAPAction, request/response elements, headers and
// faults, with the message schemas it imports.
import path from 'node:path';
import { SchemaSet } from './xsd-model.js';
import { childrenNamed, clark, documentation, isA, readXmlFile, resolveQName, WSDL, WSDL_SOAP, XS, type XNode } from './xml-tree.js';

export interface WsdlOperation {
  readonly name: string;
  readonly documentation: string;
  readonly soapAction: string;
  /** {ns}local of the request and response payload elements. */
  readonly input: string;
  readonly output: string;
  readonly inputHeaders: readonly string[];
  readonly outputHeaders: readonly string[];
  /** {ns}local of the fault detail elements. */
  readonly faults: readonly string[];
}

export interface WsdlService {
  /** The WSDL file, relative to the project root (forward slashes). */
  readonly file: string;
  readonly name: string;
  readonly targetNamespace: string;
  readonly documentation: string;
  /** URL path of the endpoint, from soap:address (its host is rewritten when served). */
  readonly path: string;
  readonly style: string;
  readonly operations: readonly WsdlOperation[];
  readonly schemas: SchemaSet;
}

function single(parent: XNode, ns: string, name: string, where: string): XNode {
  const found = childrenNamed(parent, ns, name);
  if (found.length !== 1) throw new Error(`${where}: exactly one ${name} expected, found ${found.length}`);
  return found[0]!;
}

export function readWsdl(root: string, relativeFile: string): WsdlService {
  const file = path.join(root, relativeFile);
  const defs = readXmlFile(file);
  if (!isA(defs, WSDL, 'definitions')) throw new Error(`${relativeFile}: not a WSDL 1.1 document`);
  const tns = defs.attrs.get('targetNamespace') ?? '';
  const where = (n: XNode) => `${relativeFile}:${n.line}`;

  const schemas = new SchemaSet();
  for (const types of childrenNamed(defs, WSDL, 'types')) {
    for (const schema of childrenNamed(types, XS, 'schema')) {
      for (const ref of schema.children.filter((c) => isA(c, XS, 'import') || isA(c, XS, 'include'))) {
        const location = ref.attrs.get('schemaLocation');
        if (!location) throw new Error(`${where(ref)}: schema reference without schemaLocation`);
        schemas.load(path.resolve(path.dirname(file), location), ref.name === 'include' ? schema.attrs.get('targetNamespace') : undefined);
      }
    }
  }

  const messages = new Map<string, Map<string, string>>();
  for (const m of childrenNamed(defs, WSDL, 'message')) {
    const parts = new Map<string, string>();
    for (const p of childrenNamed(m, WSDL, 'part')) {
      const element = p.attrs.get('element');
      if (!element) throw new Error(`${where(p)}: part ${p.attrs.get('name')} has no element (document/literal expected)`);
      parts.set(p.attrs.get('name') ?? '', resolveQName(p, element));
    }
    messages.set(clark(tns, m.attrs.get('name') ?? ''), parts);
  }
  const messageElement = (n: XNode, attr = 'message', part?: string): string => {
    const key = resolveQName(n, n.attrs.get(attr) ?? '');
    const parts = messages.get(key);
    if (!parts) throw new Error(`${where(n)}: message ${key} is not defined`);
    const element = part !== undefined ? parts.get(part) : parts.size === 1 ? [...parts.values()][0] : undefined;
    if (!element) throw new Error(`${where(n)}: message ${key} has no single body part${part ? ` named ${part}` : ''}`);
    return element;
  };

  const serviceNode = single(defs, WSDL, 'service', relativeFile);
  const port = single(serviceNode, WSDL, 'port', where(serviceNode));
  const address = single(port, WSDL_SOAP, 'address', where(port)).attrs.get('location') ?? '';
  const bindingKey = resolveQName(port, port.attrs.get('binding') ?? '');
  const binding = childrenNamed(defs, WSDL, 'binding').find((b) => clark(tns, b.attrs.get('name') ?? '') === bindingKey);
  if (!binding) throw new Error(`${where(port)}: binding ${bindingKey} not found`);
  const portTypeKey = resolveQName(binding, binding.attrs.get('type') ?? '');
  const portType = childrenNamed(defs, WSDL, 'portType').find((p) => clark(tns, p.attrs.get('name') ?? '') === portTypeKey);
  if (!portType) throw new Error(`${where(binding)}: portType ${portTypeKey} not found`);
  const soapBinding = single(binding, WSDL_SOAP, 'binding', where(binding));

  const operations = childrenNamed(portType, WSDL, 'operation').map((op): WsdlOperation => {
    const name = op.attrs.get('name') ?? '';
    const bound = childrenNamed(binding, WSDL, 'operation').find((b) => b.attrs.get('name') === name);
    if (!bound) throw new Error(`${where(op)}: operation ${name} is not bound`);
    const headers = (direction: 'input' | 'output') =>
      childrenNamed(bound, WSDL, direction).flatMap((d) => childrenNamed(d, WSDL_SOAP, 'header').map((h) => messageElement(h, 'message', h.attrs.get('part'))));
    return {
      name,
      documentation: documentation(op, WSDL),
      soapAction: single(bound, WSDL_SOAP, 'operation', where(bound)).attrs.get('soapAction') ?? '',
      input: messageElement(single(op, WSDL, 'input', where(op))),
      output: messageElement(single(op, WSDL, 'output', where(op))),
      inputHeaders: headers('input'),
      outputHeaders: headers('output'),
      faults: childrenNamed(op, WSDL, 'fault').map((f) => messageElement(f)),
    };
  });

  return {
    file: relativeFile.split(path.sep).join('/'),
    name: serviceNode.attrs.get('name') ?? '',
    targetNamespace: tns,
    documentation: documentation(defs, WSDL),
    path: new URL(address).pathname,
    style: soapBinding.attrs.get('style') ?? 'document',
    operations,
    schemas,
  };
}
