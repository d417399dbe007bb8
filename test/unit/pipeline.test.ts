import path from 'node:path';
import { XmlDocument, XmlElement } from 'libxml2-wasm';
import { EsavFault, type FaultCode } from '../../src/domain/faults.js';
import type { OperatorIdentity, Platform } from '../../src/domain/identity.js';
import { XSD_DIR } from '../../src/adapters/paths.js';
import { defineOperation, type OperationContext, type SoapEndpoint } from '../../src/adapters/soap/endpoint.js';
import type { PlainObject } from '../../src/adapters/soap/envelope.js';
import { handleSoapRequest, type SoapRequest, type SoapResult } from '../../src/adapters/soap/pipeline.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { XmlWriter } from '../../src/adapters/soap/writer.js';
import { COM, consulterEtat, deposerSignalisation, enteteRequete, envelope, SIG, SOAP11, testIdentity, utf8 } from './_support/soap-messages.js';
import { esavConventions } from '../../src/adapters/contracts/esav-conventions.js';

const ACTION = 'urn:esav:signalisation:v1:consulterEtatSignalisation';
const NOW = new Date('2026-03-10T09:15:30Z');

interface FakeState {
  calls: Array<{ context: OperationContext; input: unknown }>;
  behaviour: 'ok' | 'throw' | 'throw-fault';
}

let schema: CompiledSchema;
const state: FakeState = { calls: [], behaviour: 'ok' };

function buildEndpoint(): SoapEndpoint {
  const operation = defineOperation<{ reference: string }, { etat: string }>({
    name: 'consulterEtatSignalisation',
    soapAction: ACTION,
    read: (p: PlainObject) => ({ reference: String(p.referenceSignalisation ?? p.referenceInterneOC) }),
    execute: async (context, input) => {
      state.calls.push({ context, input });
      if (state.behaviour === 'throw') throw new Error('connection to postgres://secret@db:5432 failed at /srv/esav/src/store/db.ts');
      if (state.behaviour === 'throw-fault') throw new EsavFault(310, 'Signalisation inconnue');
      return { etat: 'EN_COURS' };
    },
    write: (w, output) =>
      w
        .open('consulterEtatSignalisationReponse', SIG)
        .leaf('referenceSignalisation', 'SIG-0000000001')
        .leaf('referenceInterneOC', 'TT-1')
        .leaf('etat', output.etat)
        .leaf('dateEtat', '2026-03-10T10:00:00+01:00')
        .close('consulterEtatSignalisationReponse'),
  });
  return {
    path: '/ws/v1/signalisation',
    serviceName: 'SignalisationService',
    version: '1',
    domain: 'signalisation',
    payloadNamespace: SIG,
    wsdlFile: '/nonexistent.wsdl',
    schema,
    conventions: esavConventions,
    operations: new Map([[operation.name, operation]]),
  };
}

const identity = testIdentity;

interface CallOptions {
  xml?: string;
  body?: Uint8Array;
  contentType?: string | undefined;
  soapAction?: string | undefined;
  identity?: OperatorIdentity | (() => Promise<OperatorIdentity>);
  platform?: Platform;
  limits?: { maxBytes: number; maxDepth: number; maxElements: number };
}

async function call(options: CallOptions = {}): Promise<SoapResult> {
  const who = options.identity ?? identity();
  const request: SoapRequest = {
    body: options.body ?? utf8(options.xml ?? envelope(consulterEtat(), enteteRequete({ idCorrelation: 'corr-42' }))),
    contentType: 'contentType' in options ? options.contentType : 'text/xml; charset=utf-8',
    soapAction: 'soapAction' in options ? options.soapAction : `"${ACTION}"`,
    requestId: 'req-0001',
    resolveIdentity: typeof who === 'function' ? who : async () => who,
    now: () => NOW,
  };
  return handleSoapRequest(buildEndpoint(), request, {
    platform: options.platform ?? 'integration',
    ...(options.limits ? { limits: options.limits } : {}),
  });
}

function elementChildren(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let node = element.firstChild; node; node = node.next) if (node instanceof XmlElement) out.push(node);
  return out;
}

function fields(element: XmlElement): Record<string, string> {
  return Object.fromEntries(elementChildren(element).map((e) => [e.name, e.content]));
}

/** Checks the fault result (HTTP 500, SOAP fault with detail code) and that nothing was executed. */
function expectFault(result: SoapResult, code: FaultCode, champ?: string): void {
  expect(result.httpStatus).toBe(500);
  expect(result.fault).toBeInstanceOf(EsavFault);
  expect(result.fault?.code).toBe(code);
  if (champ !== undefined) expect(result.fault?.champ).toBe(champ);
  const doc = XmlDocument.fromString(result.xml);
  try {
    const body = elementChildren(doc.root).find((e) => e.name === 'Body')!;
    const fault = elementChildren(body)[0]!;
    expect(fault.name).toBe('Fault');
    const detail = elementChildren(fault).find((e) => e.name === 'detail')!;
    const erreur = elementChildren(detail)[0]!;
    expect(erreur.namespaceUri).toBe(COM);
    expect(fields(erreur).code).toBe(String(code));
  } finally {
    doc.dispose();
  }
  expect(state.calls).toHaveLength(0);
}

beforeAll(() => {
  schema = CompiledSchema.compile(path.join(XSD_DIR, 'v1', 'signalisation-v1.xsd'), XSD_DIR);
});
afterAll(() => schema?.dispose());
beforeEach(() => {
  state.calls = [];
  state.behaviour = 'ok';
});

describe('handleSoapRequest: success', () => {
  test('returns 200 with enteteReponse (idRequete, echoed idCorrelation, versionWS) and the payload', async () => {
    const result = await call();
    expect(result.fault).toBeUndefined();
    expect(result.httpStatus).toBe(200);
    expect(result.operation).toBe('consulterEtatSignalisation');
    expect(result.operatorCode).toBe('OPA1');
    expect(state.calls).toHaveLength(1);
    expect(state.calls[0]!.input).toEqual({ reference: 'SIG-0000000001' });
    expect(state.calls[0]!.context.requestId).toBe('req-0001');
    expect(state.calls[0]!.context.header).toEqual({
      versionWS: '1',
      horodatageRequete: '2026-03-10T10:00:00+01:00',
      codeOperateur: 'OPA1',
      idCorrelation: 'corr-42',
    });

    const doc = XmlDocument.fromString(result.xml);
    try {
      expect(doc.root.namespaceUri).toBe(SOAP11);
      const [header, body] = elementChildren(doc.root);
      expect(header!.name).toBe('Header');
      const entete = elementChildren(header!)[0]!;
      expect(`{${entete.namespaceUri}}${entete.name}`).toBe(`{${COM}}enteteReponse`);
      expect(fields(entete)).toEqual({
        versionWS: '1',
        horodatageReponse: '2026-03-10T10:15:30+01:00',
        idCorrelation: 'corr-42',
        idRequete: 'req-0001',
      });
      expect(() => schema.validateElement(entete)).not.toThrow();
      const payload = elementChildren(body!)[0]!;
      expect(`{${payload.namespaceUri}}${payload.name}`).toBe(`{${SIG}}consulterEtatSignalisationReponse`);
      expect(fields(payload).etat).toBe('EN_COURS');
      expect(() => schema.validateElement(payload)).not.toThrow();
    } finally {
      doc.dispose();
    }
  });

  test('the response header is what the writer gives, escaped', () => {
    const endpoint = { version: '1' } as SoapEndpoint;
    const now = new Date('2026-03-10T09:15:30Z');
    for (const idCorrelation of [undefined, 'corr-42', 'a<b>&c\r"d\'', '']) {
      const header = { versionWS: '1', horodatageRequete: 'x', codeOperateur: 'OPA1', ...(idCorrelation !== undefined ? { idCorrelation } : {}) };
      const expected = new XmlWriter()
        .open('enteteReponse', COM)
        .leaf('versionWS', '1')
        .leaf('horodatageReponse', '2026-03-10T10:15:30+01:00')
        .leaf('idCorrelation', idCorrelation)
        .leaf('idRequete', 'req<&>')
        .close('enteteReponse')
        .toString();
      expect(esavConventions.writeResponseHeader(header, 'req<&>', now, endpoint)).toBe(expected);
    }
  });

  test('without idCorrelation the response has none', async () => {
    const result = await call({ xml: envelope(consulterEtat(), enteteRequete()) });
    expect(result.httpStatus).toBe(200);
    expect(result.xml).not.toContain('idCorrelation');
    expect(result.xml).toContain('<idRequete>req-0001</idRequete>');
  });

  test.each([
    ['absent', undefined],
    ['empty ""', '""'],
    ['empty', ''],
    ['quoted exact', `"${ACTION}"`],
    ['unquoted exact', ACTION],
  ])('SOAPAction %s is accepted', async (_label, soapAction) => {
    const result = await call({ soapAction });
    expect(result.fault).toBeUndefined();
    expect(result.httpStatus).toBe(200);
  });

  test.each(['text/xml', 'text/xml; charset=utf-8', 'text/xml;charset=UTF-8', 'Text/XML; charset="utf-8"'])(
    'content type %s is accepted',
    async (contentType) => {
      expect((await call({ contentType })).httpStatus).toBe(200);
    },
  );

  test('a wildcard profile grants the operation', async () => {
    expect((await call({ identity: identity({ allowedOperations: new Set(['*']) }) })).httpStatus).toBe(200);
  });

  test('the production platform accepts an operator promoted to production', async () => {
    const result = await call({ platform: 'production', identity: identity({ operatorPlatform: 'production', productionDomains: new Set(['signalisation']) }) });
    expect(result.httpStatus).toBe(200);
    expect(state.calls).toHaveLength(1);
  });

  test('the production platform refuses (203) an operator promoted for another domain than the endpoint’s', async () => {
    const result = await call({ platform: 'production', identity: identity({ operatorPlatform: 'production', productionDomains: new Set(['test']) }) });
    expect(result.httpStatus).toBe(500);
    expect(result.fault?.code).toBe(203);
    expect(result.fault?.libelle).toMatch(/domaine signalisation/);
    expect(state.calls).toHaveLength(0);
  });

  test('a header block the gateway processes (enteteRequete) may carry soapenv:mustUnderstand="1"', async () => {
    const header = enteteRequete({ attributes: ` xmlns:soapenv="${SOAP11}" soapenv:mustUnderstand="1"` });
    const result = await call({ xml: envelope(consulterEtat(), header) });
    expect(result.fault?.libelle).toBeUndefined();
    expect(result.httpStatus).toBe(200);
  });

  test('an unknown header block without mustUnderstand is ignored', async () => {
    const header = enteteRequete() + '<t:trace xmlns:t="urn:trace">x</t:trace>';
    expect((await call({ xml: envelope(consulterEtat(), header) })).httpStatus).toBe(200);
  });
});

describe('handleSoapRequest: faults (the operation is never executed)', () => {
  test('unknown payload element → 102', async () => {
    const xml = envelope(`<sig:supprimerSignalisation xmlns:sig="${SIG}"/>`);
    expectFault(await call({ xml, soapAction: undefined }), 102);
  });

  test('a known operation name in another namespace → 102', async () => {
    const xml = envelope(consulterEtat().replace(SIG, 'urn:esav:signalisation:v2'));
    expectFault(await call({ xml, soapAction: undefined }), 102);
  });

  test('an operation present in the schema but not offered by the endpoint → 102', async () => {
    expectFault(await call({ xml: envelope(deposerSignalisation()), soapAction: undefined }), 102);
  });

  test.each([
    'urn:esav:signalisation:v1:deposerSignalisation',
    '"urn:esav:signalisation:v1:deposerSignalisation"',
    'consulterEtatSignalisation',
  ])('wrong SOAPAction %s → 102', async (soapAction) => {
    const result = await call({ soapAction });
    expectFault(result, 102);
    expect(result.operation).toBe('consulterEtatSignalisation');
  });

  test('missing enteteRequete → 101 champ enteteRequete', async () => {
    expectFault(await call({ xml: envelope(consulterEtat(), null) }), 101, 'enteteRequete');
    expectFault(await call({ xml: envelope(consulterEtat(), '<t:trace xmlns:t="urn:trace"/>') }), 101, 'enteteRequete');
  });

  test('an invalid enteteRequete → 101 naming the field', async () => {
    const xml = envelope(consulterEtat(), enteteRequete({ codeOperateur: 'opa' }));
    expectFault(await call({ xml }), 101, 'enteteRequete/codeOperateur');
  });

  test('an invalid payload → 101 naming the field', async () => {
    const xml = envelope(consulterEtat('<sig:referenceSignalisation>bad ref</sig:referenceSignalisation>'));
    expectFault(await call({ xml }), 101, 'consulterEtatSignalisation/referenceSignalisation');
  });

  test("header codeOperateur of another operator → 201", async () => {
    const xml = envelope(consulterEtat(), enteteRequete({ codeOperateur: 'OPB2' }));
    expectFault(await call({ xml }), 201, 'enteteRequete/codeOperateur');
  });

  test('a profile without the operation → 202', async () => {
    const result = await call({ identity: identity({ allowedOperations: new Set(['deposerSignalisation']) }) });
    expectFault(result, 202);
  });

  test('the production platform with an operator still in integration → 203', async () => {
    expectFault(await call({ platform: 'production' }), 203);
  });

  test('versionWS 2 on the v1 endpoint → 400', async () => {
    const xml = envelope(consulterEtat(), enteteRequete({ versionWS: '2' }));
    const result = await call({ xml });
    expectFault(result, 400, 'enteteRequete/versionWS');
    expect(result.fault?.libelle).toContain('1');
  });

  test.each([
    ['application/soap+xml', 'application/soap+xml; charset=utf-8'],
    ['application/json', 'application/json'],
    ['missing', undefined],
    ['text/xml ISO-8859-1', 'text/xml; charset=ISO-8859-1'],
    ['text/plain', 'text/plain'],
    ['empty', ''],
  ])('content type %s → 100', async (_label, contentType) => {
    expectFault(await call({ contentType }), 100);
  });

  test('resolveIdentity throwing fault 200 → 200, nothing else is read', async () => {
    let resolved = 0;
    const result = await call({
      body: utf8('not even xml'),
      identity: async () => {
        resolved++;
        throw new EsavFault(200, 'Certificat client révoqué');
      },
    });
    expectFault(result, 200);
    expect(resolved).toBe(1);
    expect(result.operatorCode).toBeUndefined();
  });

  test('a forbidden DOCTYPE → 100 (guard)', async () => {
    const xml = '<!DOCTYPE x SYSTEM "file:///etc/passwd">' + envelope(consulterEtat(), enteteRequete());
    expectFault(await call({ xml }), 100);
  });

  test('the guard limits of the options apply → 103', async () => {
    expectFault(await call({ limits: { maxBytes: 100, maxDepth: 64, maxElements: 1000 } }), 103);
    expectFault(await call({ limits: { maxBytes: 100_000, maxDepth: 3, maxElements: 1000 } }), 103);
  });

  test('not well-formed XML → 100', async () => {
    expectFault(await call({ xml: envelope(consulterEtat()).slice(0, -5) }), 100);
  });

  test('a SOAP 1.2 envelope sent as text/xml → 100', async () => {
    const xml = envelope(consulterEtat(), enteteRequete(), 'http://www.w3.org/2003/05/soap-envelope');
    expectFault(await call({ xml }), 100);
  });

  test('an unknown mandatory header block → 100', async () => {
    const header = enteteRequete() + `<t:trace xmlns:t="urn:trace" xmlns:soapenv="${SOAP11}" soapenv:mustUnderstand="1"/>`;
    expectFault(await call({ xml: envelope(consulterEtat(), header) }), 100);
  });
});

describe('handleSoapRequest: errors of the operation', () => {
  test('a plain Error → 500 with internalError set and no error text in the xml', async () => {
    state.behaviour = 'throw';
    const result = await call();
    expect(state.calls).toHaveLength(1);
    expect(result.httpStatus).toBe(500);
    expect(result.fault?.code).toBe(500);
    expect(result.fault?.side).toBe('Server');
    expect(result.internalError).toBeInstanceOf(Error);
    expect((result.internalError as Error).message).toContain('postgres');
    expect(result.operation).toBe('consulterEtatSignalisation');
    expect(result.xml).not.toMatch(/postgres|secret|\/srv|db\.ts|Error/);
    expect(result.xml).toContain('<faultcode>soapenv:Server</faultcode>');
  });

  test('an EsavFault of the use case is returned as is, without internalError', async () => {
    state.behaviour = 'throw-fault';
    const result = await call();
    expect(state.calls).toHaveLength(1);
    expect(result.httpStatus).toBe(500);
    expect(result.fault?.code).toBe(310);
    expect(result.internalError).toBeUndefined();
    expect(result.xml).toContain('<faultcode>soapenv:Client</faultcode>');
  });

  test('resolveIdentity throwing a plain Error → 500 with internalError', async () => {
    const result = await call({
      identity: async () => {
        throw new Error('trust store unavailable');
      },
    });
    expectFault(result, 500);
    expect(result.internalError).toBeInstanceOf(Error);
    expect(result.xml).not.toContain('trust store');
  });
});
