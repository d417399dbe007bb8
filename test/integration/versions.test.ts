// Two live versions (spec §3, issue 8): SignalisationService v2 beside v1 on one gateway, each with
// its own namespace, WSDL and schema, over the same use cases; v1 and v2 clients side by side; the
// version registry decides what is live: retirement at the exact instant (injected clock), fault
// 400 listing the live versions; a bad registry stops the start with a clear message.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ConfigError, loadConfig } from '../../src/composition/config/config.js';
import { SettableClock } from '../../src/domain/clock.js';
import { Writable } from 'node:stream';
import { startGateway } from '../../src/composition/gateway.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { depositArgs, enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { startGatewayProcess } from '../support/gateway-process.js';
import { CONSULT_UNKNOWN, soapCall } from '../support/operations.js';
import { parseFault } from '../support/faults.js';
import { describeWithPostgres } from '../support/postgres.js';
import { V1_AND_V2_REGISTRY, writeRegistry } from '../support/versions.js';
import type soap from 'soap';

const describeDb = await describeWithPostgres();
const V2 = 'urn:esav:signalisation:v2';

/** A v2 deposit in schema order: localisationPresumee mandatory, contacts as a list with roles. */
function depositV2(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    offre: 'FTTH_PASSIF',
    identifiantPrestation: 'FI-1000-0001',
    formulaire: { idFormulaire: 'FTTH_PASSIF', version: 1 },
    defautDeclare: 'INTERRUPTION_TOTALE',
    impact: 'TOTAL',
    localisationPresumee: 'PTO',
    referenceInterneOC: `V2-${Math.random().toString(36).slice(2, 10)}`,
    contacts: {
      contact: [
        { role: 'SITE', nom: 'Mme Durand', telephone: '0612345678' },
        { role: 'OC', nom: 'Supervision OPA', telephone: '0100000000', email: 'sav@opa.example' },
      ],
    },
    ...overrides,
  };
}

async function faultOf(promise: Promise<unknown>): Promise<{ code: number; libelle: string } | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error: any) {
    const body: string = error?.body ?? '';
    return { code: Number(/<(?:\w+:)?code>(\d+)</.exec(body)?.[1]), libelle: /<(?:\w+:)?libelle>([^<]*)</.exec(body)?.[1] ?? '' };
  }
}

/** One request over mutual TLS, any method; status, content type and body. */
function request(t: TestGateway, method: string, urlPath: string, body?: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${t.url}${urlPath}`,
      { method, ...t.tlsFor('OPA1'), agent: false, servername: 'localhost', checkServerIdentity: () => undefined, headers: { 'content-type': 'text/xml; charset=utf-8' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether a body parses as JSON (what the operators' port must never answer outside the campaign API). */
function isJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

describeDb('SignalisationService v1 and v2 live side by side', () => {
  let t: TestGateway;
  let v1: soap.Client;
  let v2: soap.Client;
  const clock = new SettableClock('2026-11-27T10:00:00+01:00');
  const registryFile = writeRegistry(V1_AND_V2_REGISTRY);

  beforeAll(async () => {
    t = await startTestGateway({ clock, env: { ESAV_VERSIONS_FILE: registryFile } });
    v1 = await t.soapClient('OPA1', '/ws/v1/signalisation');
    v1.addSoapHeader(enteteRequete('OPA1'));
    v2 = await t.soapClient('OPA1', '/ws/v2/signalisation');
    v2.addSoapHeader(enteteRequete('OPA1', { versionWS: '2' }));
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(path.dirname(registryFile), { recursive: true, force: true });
  });

  test('v1 and v2 clients in one test: same tickets, each sees its own format', async () => {
    // A v2 deposit, read back by the v1 client and by the v2 client.
    const [ack2] = await v2.deposerSignalisationAsync(depositV2());
    expect(ack2.etat).toBe('EN_DEPOT');
    expect(ack2.garantie.statut).toBe('EN_COURS');
    expect(ack2.garantie.echeanceRetablissement).toBeDefined();
    const reference = ack2.referenceSignalisation as string;

    const [detail1, raw1] = await v1.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    expect(detail1.signalisation.contactSite).toEqual({ nom: 'Mme Durand', telephone: '0612345678' });
    expect(detail1.signalisation.contactOC.email).toBe('sav@opa.example');
    // v1 clients never see the v2 format.
    expect(raw1).toContain('xmlns="urn:esav:signalisation:v1"');
    expect(raw1).not.toContain('<contacts>');
    expect(raw1).not.toContain('<statut>EN_COURS</statut>');
    expect(raw1).not.toContain(V2);

    const [detail2, raw2] = await v2.consulterDetailSignalisationAsync({ referenceSignalisation: reference });
    expect(raw2).toContain(`xmlns="${V2}"`);
    expect(detail2.signalisation.contacts.contact).toEqual([
      { role: 'SITE', nom: 'Mme Durand', telephone: '0612345678' },
      { role: 'OC', nom: 'Supervision OPA', telephone: '0100000000', email: 'sav@opa.example' },
    ]);
    expect(detail2.signalisation.garantie.statut).toBe('EN_COURS');
    expect(detail2.signalisation.contactSite).toBeUndefined();

    // A v1 deposit (no localisationPresumee: optional in v1) is seen by v2 in the v2 format.
    const [ack1, rawAck1] = await v1.deposerSignalisationAsync(depositArgs());
    expect(rawAck1).not.toContain('<statut>');
    const [state2] = await v2.consulterEtatSignalisationAsync({ referenceSignalisation: ack1.referenceSignalisation });
    expect(state2.etat).toBe('EN_DEPOT');
    const [list2] = await v2.listerSignalisationsAsync({});
    expect(list2.signalisation.map((s: any) => s.referenceSignalisation)).toEqual(expect.arrayContaining([reference, ack1.referenceSignalisation]));
    const [catalogue2, rawCatalogue2] = await v2.consulterCatalogueAsync({});
    expect(rawCatalogue2).toContain(`<consulterCatalogueReponse xmlns="${V2}">`);
    expect(catalogue2.offre.length).toBeGreaterThan(0);

    // The v2 contract's own rules: localisationPresumee mandatory, one contact per role.
    expect((await faultOf(v2.deposerSignalisationAsync(depositV2({ localisationPresumee: undefined }))))?.code).toBe(101);
    const twoSites = depositV2({
      contacts: { contact: [{ role: 'SITE', nom: 'A', telephone: '0612345678' }, { role: 'SITE', nom: 'B', telephone: '0612345679' }] },
    });
    expect((await faultOf(v2.deposerSignalisationAsync(twoSites)))?.code).toBe(101);
    // A v1 message sent to v2 is not a v2 operation.
    expect((await soapCall(t, 'OPA1', '/ws/v2/signalisation', CONSULT_UNKNOWN(), { versionWS: '2' })).code).toBe(102);
    expect((await soapCall(t, 'OPA1', '/ws/v2/signalisation', CONSULT_UNKNOWN(V2), { versionWS: '2' })).code).toBe(310);
  });

  test('the v2 WSDL and schema are served; versionWS naming another version gets 400 listing the live ones', async () => {
    const wsdl = await soapCall(t, 'OPA1', '/ws/v2/signalisation', CONSULT_UNKNOWN(V2), { versionWS: '1' });
    expect(wsdl.code).toBe(400);
    expect(wsdl.libelle).toContain('version(s) en service : 1 (/ws/v1/signalisation), 2 (/ws/v2/signalisation)');
    const [, raw] = await v2.consulterCatalogueAsync({});
    expect(raw).toContain('<versionWS>2</versionWS>');
    expect(Object.keys(v2.describe().SignalisationService.SignalisationPort)).toEqual(
      expect.arrayContaining(['deposerSignalisation', 'consulterDetailSignalisation', 'rechercherCreneaux', 'consulterCatalogue']),
    );
  });

  test('retirement at the exact instant: v1 answers until 2027-05-01 00:00 Paris, then 400 listing v2', async () => {
    clock.set('2027-04-30T23:59:59.999+02:00');
    expect((await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN())).code).toBe(310);
    clock.set('2027-05-01T00:00:00.000+02:00');
    const retired = await soapCall(t, 'OPA1', '/ws/v1/signalisation', CONSULT_UNKNOWN());
    expect(retired.status).toBe(500);
    expect(retired.code).toBe(400);
    expect(retired.libelle).toBe('SignalisationService v1 retirée le 2027-05-01T00:00:00+02:00 : version(s) en service : 2 (/ws/v2/signalisation)');
    expect(retired.body).toContain('<faultcode>soapenv:Client</faultcode>');
    expect((await soapCall(t, 'OPA1', '/ws/v2/signalisation', CONSULT_UNKNOWN(V2), { versionWS: '2' })).code).toBe(310);
    // Another service is not concerned.
    expect((await soapCall(t, 'OPA1', '/ws/v1/test', '<t:consulterResultatTest xmlns:t="urn:esav:test:v1"><t:idDemandeTest>TST-0000000999</t:idDemandeTest></t:consulterResultatTest>')).code).not.toBe(400);

    const metrics = await (await fetch(`${t.adminUrl}/metrics`)).text();
    expect(metrics).toContain('esav_version_live{service="SignalisationService",version="1"} 0');
    expect(metrics).toContain('esav_version_live{service="SignalisationService",version="2"} 1');
  });

  test('before its production instant v2 answers 400 "pas encore en service"', async () => {
    clock.set('2026-10-31T23:59:59+01:00');
    const early = await soapCall(t, 'OPA1', '/ws/v2/signalisation', CONSULT_UNKNOWN(V2), { versionWS: '2' });
    expect(early.code).toBe(400);
    expect(early.libelle).toBe(
      'SignalisationService v2 pas encore en service (mise en production le 2026-11-01T00:00:00+01:00) : version(s) en service : 1 (/ws/v1/signalisation)',
    );
    clock.set('2026-11-01T00:00:00+01:00');
    expect((await soapCall(t, 'OPA1', '/ws/v2/signalisation', CONSULT_UNKNOWN(V2), { versionWS: '2' })).code).toBe(310);
    clock.set('2026-11-27T10:00:00+01:00');
  });

  test('a POST under /ws/ naming no published service version → SOAP fault 400 listing the live versions', async () => {
    const envelopeV1 = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${CONSULT_UNKNOWN()}</soapenv:Body></soapenv:Envelope>`;
    const v3 = await request(t, 'POST', '/ws/v3/signalisation', envelopeV1);
    expect(v3.status).toBe(500);
    expect(v3.contentType).toBe('text/xml; charset=utf-8');
    const fault = parseFault(v3.body);
    expect(fault).toEqual({
      code: 400,
      faultcode: 'soapenv:Client',
      libelle: "Aucun service publié à l'adresse /ws/v3/signalisation : SignalisationService version(s) en service : 1 (/ws/v1/signalisation), 2 (/ws/v2/signalisation)",
    });

    // A path naming no service at all: the live versions of every published service.
    const nope = await request(t, 'POST', '/ws/nope', envelopeV1);
    expect(nope.status).toBe(500);
    expect(parseFault(nope.body)).toEqual({
      code: 400,
      faultcode: 'soapenv:Client',
      libelle:
        "Aucun service publié à l'adresse /ws/nope : SignalisationService version(s) en service : 1 (/ws/v1/signalisation), 2 (/ws/v2/signalisation) ; " +
        'PlanChargeFtthSavService version(s) en service : 1 (/ws/interop/planChargeSavFtth) ; TestService version(s) en service : 1 (/ws/v1/test) ; ' +
        'getInfoTravauxFTTHService version(s) en service : 1 (/ws/interop/infoTravauxFTTH)',
    });

    // Whatever the body, and after v1's retirement the list follows the registry.
    expect(parseFault((await request(t, 'POST', '/ws/v1/signalisation/', '')).body).code).toBe(400);
    clock.set('2027-05-01T00:00:00.000+02:00');
    expect(parseFault((await request(t, 'POST', '/ws/v3/signalisation', 'pas du XML')).body).libelle).toBe(
      "Aucun service publié à l'adresse /ws/v3/signalisation : SignalisationService version(s) en service : 2 (/ws/v2/signalisation)",
    );
    clock.set('2026-11-27T10:00:00+01:00');
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.path === '/ws/nope');
    expect(line).toMatchObject({ status: 500, outcome: 'fault:400', method: 'POST' });
  });

  test('nothing on the operators’ port answers JSON: unknown routes, methods and URLs, malformed HTTP', async () => {
    const answers = await Promise.all([
      request(t, 'GET', '/nope'),
      request(t, 'GET', '/ws/v3/signalisation?wsdl'),
      request(t, 'GET', '/wsdl/nope.wsdl'),
      request(t, 'PUT', '/ws/v1/signalisation', '<x/>'),
      request(t, 'DELETE', '/conformite/v1/campagnes'),
      request(t, 'POST', '/nope', '<x/>'),
      request(t, 'GET', '/%zz'),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.contentType).toBe('text/plain; charset=utf-8');
      expect(isJson(answer.body)).toBe(false);
    }
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404, 400]);

    // A URL Fastify cannot decode, POSTed under /ws/: still the SOAP fault 400.
    const badUrl = await request(t, 'POST', '/ws/%zz', '<x/>');
    expect(badUrl.status).toBe(500);
    expect(parseFault(badUrl.body).code).toBe(400);

    // Not HTTP at all, on an admitted TLS connection: a plain-text 400, as node itself would say.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: t.gateway.port, ...t.tlsFor('OPA1'), servername: 'localhost', checkServerIdentity: () => undefined }, () =>
        socket.write('NOT HTTP\r\n\r\n'),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toContain('Content-Type: text/plain; charset=utf-8');
    expect(raw).not.toContain('{');
  });
});

describe('a bad version registry stops the start', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'three live versions',
      `services:\n  SignalisationService:\n    - { version: 1, production: "2018-01-01", fin: "2027-04-01" }\n    - { version: 2, production: "2026-11-01", fin: "2027-05-01" }\n    - { version: 3, production: "2027-01-01" }\n  TestService:\n    - { version: 1, production: "2018-01-01" }\n`,
      /at most 2 live versions, but v1, v2, v3 would all be live on 2027-01-01T00:00:00\+01:00/,
    ],
    [
      'an old version kept beyond 6 months',
      `services:\n  SignalisationService:\n    - { version: 1, production: "2018-01-01", fin: "2027-06-01" }\n    - { version: 2, production: "2026-11-01" }\n`,
      /SignalisationService v1 would stay live until 2027-06-01T00:00:00\+02:00, more than 6 months after v2 went live/,
    ],
    [
      'an old version retired before 1 month',
      `services:\n  SignalisationService:\n    - { version: 1, production: "2018-01-01", fin: "2026-11-15" }\n    - { version: 2, production: "2026-11-01" }\n`,
      /SignalisationService v1 would be retired on 2026-11-15T00:00:00\+01:00, less than 1 month after v2 went live/,
    ],
    [
      'a published version missing',
      `services:\n  SignalisationService:\n    - { version: 1, production: "2018-01-01" }\n`,
      /SignalisationService v2 is published \(\/ws\/v2\/signalisation\) but not in the registry/,
    ],
  ];

  test.each(cases)('%s (in process, before anything is opened)', async (_name, yaml, message) => {
    const file = writeRegistry(yaml);
    try {
      // No database: the plan's own rules are checked before the database is opened; the
      // published versions are compared once the endpoints exist (embedded database then).
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-versions-data-'));
      const config = loadConfig({ ESAV_VERSIONS_FILE: file, ESAV_PORT: '0', ESAV_ADMIN_PORT: '0', ESAV_WEB_PORT: '0', ESAV_HOST: '127.0.0.1', ESAV_DATA_DIR: dataDir, ESAV_DEV_CERTS_DIR: path.join(dataDir, 'pki'), ESAV_TEST_WORKERS: '0' });
      const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
      const start = startGateway(config, { clock: new SettableClock('2026-11-27T10:00:00+01:00'), logger });
      await expect(start).rejects.toThrow(ConfigError);
      await expect(start).rejects.toThrow(message);
      fs.rmSync(dataDir, { recursive: true, force: true });
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }, 60_000);

  test('the gateway process exits with the message', async () => {
    const file = writeRegistry(cases[1]![1]);
    try {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-versions-data-'));
      await expect(startGatewayProcess({ ESAV_VERSIONS_FILE: file, ESAV_DATA_DIR: dataDir, ESAV_PORT: '0', ESAV_ADMIN_PORT: '0' }, 120_000)).rejects.toThrow(
        /gateway exited \(1\) before being ready:\nesav-gateway failed to start: Configuration: version registry .* refused:\n {2}- SignalisationService v1 would stay live until/,
      );
      fs.rmSync(dataDir, { recursive: true, force: true });
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }, 180_000);
});
