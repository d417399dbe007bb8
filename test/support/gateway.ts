// Starts the real gateway for integration tests: real PostgreSQL (a fresh database), real mutual
// TLS on a random port with a fresh development PKI, demo data loaded; and builds node-soap
// clients from the WSDL the gateway serves. The admin API listens on another random port
// (ESAV_ADMIN_PORT=0) with a token generated in the temporary data folder; the scheduled sweep is
// off (ESAV_SWEEP_INTERVAL_SECONDS=0) unless a test asks for it through `env`.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import soap from 'soap';
import { loadConfig, type GatewayConfig } from '../../src/composition/config/config.js';
import { PROJECT_ROOT } from '../../src/adapters/paths.js';
import { SettableClock, type Clock } from '../../src/domain/clock.js';
import { startGateway, type RunningGateway } from '../../src/composition/gateway.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { postgresDatabase, type Database } from '../../src/adapters/postgres/db.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { testCertsDir } from './dev-pki.js';

export interface ClientTls {
  key: Buffer;
  cert: Buffer;
  ca: Buffer;
}

export interface TestGateway {
  gateway: RunningGateway;
  url: string;
  db: Database;
  clock: SettableClock;
  config: GatewayConfig;
  /** Log lines the gateway wrote (JSON strings). */
  logs: string[];
  /** http://127.0.0.1:port of the admin API, and its bearer token. */
  adminUrl: string;
  adminToken: string;
  /** One JSON request to the admin API (with the token unless `token` says otherwise; null: none). */
  admin(method: string, path: string, body?: unknown, token?: string | null): Promise<AdminResponse>;
  tlsFor(operatorCode: string): ClientTls;
  /** https://127.0.0.1:port of the web portal (e-SAV en ligne) and the CA its certificate chains to. */
  webUrl: string;
  webCa: string;
  /** A node-soap client built from the served WSDL, authenticated with the operator's certificate. */
  soapClient(operatorCode: string, service?: string): Promise<soap.Client>;
  close(): Promise<void>;
}

export interface AdminResponse {
  status: number;
  body: any;
}

export interface TestGatewayOptions {
  clock?: SettableClock;
  env?: Record<string, string>;
  /** Use the embedded PGlite database (in memory) instead of real PostgreSQL. */
  embedded?: boolean;
  /** The scheduler's operational time (default: the system clock); tests drive its jobs with `scheduler.runDue()`. */
  schedulerClock?: Clock;
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const certsDir = testCertsDir();
  const testDb: TestDatabase | undefined = options.embedded ? undefined : await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-test-data-'));
  const config = loadConfig({
    ESAV_HOST: '127.0.0.1',
    ESAV_PORT: '0',
    ESAV_DEV_CERTS_DIR: certsDir,
    ESAV_DATA_DIR: dataDir,
    ESAV_ADMIN_HOST: '127.0.0.1',
    ESAV_ADMIN_PORT: '0',
    // The web portal (e-SAV en ligne) on a random port too.
    ESAV_WEB_PORT: '0',
    ESAV_SWEEP_INTERVAL_SECONDS: '0',
    // No nightly 402 window unless a test asks for one (a run at 04:05 Paris would fail otherwise).
    ESAV_NIGHTLY_MAINTENANCE: 'off',
    // v1 live whatever the clock (the shipped config/versions.yaml retires it on a real date).
    ESAV_VERSIONS_FILE: path.join(PROJECT_ROOT, 'test', 'fixtures', 'versions.yaml'),
    ...(testDb ? { DATABASE_URL: testDb.url } : {}),
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const clock = options.clock ?? new SettableClock(new Date());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const db = testDb ? postgresDatabase(testDb.url, { max: 10 }) : undefined;
  const gateway = await startGateway(config, {
    clock: clock as Clock,
    logger: createLogger('info', sink),
    ...(db ? { db } : {}),
    ...(options.schedulerClock ? { schedulerClock: options.schedulerClock } : {}),
  });
  const pki = gateway.devPki!;

  const tlsFor = (code: string): ClientTls => {
    const operator = pki.operators[code];
    if (!operator) throw new Error(`no demo certificate for ${code}`);
    return { key: Buffer.from(operator.keyPem), cert: Buffer.from(operator.certPem), ca: Buffer.from(pki.ca.certPem) };
  };

  const clients: soap.Client[] = [];
  const adminUrl = gateway.adminUrl.replace('localhost', '127.0.0.1');
  return {
    gateway,
    url: gateway.url.replace('localhost', '127.0.0.1'),
    db: gateway.db,
    clock,
    config,
    logs,
    adminUrl,
    adminToken: gateway.adminToken,
    async admin(method: string, urlPath: string, body?: unknown, token: string | null = gateway.adminToken) {
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${adminUrl}${urlPath}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: returned as text
      }
      return { status: response.status, body: parsed };
    },
    tlsFor,
    webUrl: gateway.webUrl.replace('localhost', '127.0.0.1'),
    webCa: pki.ca.certPem,
    async soapClient(code: string, service = '/ws/v1/signalisation') {
      const tls = tlsFor(code);
      const wsdlAgent = new https.Agent({ ...tls });
      const client = await soap.createClientAsync(`https://localhost:${gateway.port}${service}?wsdl`, {
        wsdl_options: { httpsAgent: wsdlAgent },
      });
      wsdlAgent.destroy();
      client.setSecurity(new soap.ClientSSLSecurity(tls.key, tls.cert, tls.ca, { forever: true }));
      clients.push(client);
      return client;
    },
    async close() {
      await gateway.close();
      if (db) await db.close();
      if (testDb) await testDb.drop();
      fs.rmSync(certsDir, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The request header as raw XML (node-soap sends it verbatim). */
export function enteteRequete(codeOperateur: string, extra: { idCorrelation?: string; versionWS?: string } = {}): string {
  return (
    '<com:enteteRequete xmlns:com="urn:esav:commun:v1">' +
    `<com:versionWS>${extra.versionWS ?? '1'}</com:versionWS>` +
    `<com:horodatageRequete>${new Date().toISOString()}</com:horodatageRequete>` +
    `<com:codeOperateur>${codeOperateur}</com:codeOperateur>` +
    (extra.idCorrelation ? `<com:idCorrelation>${extra.idCorrelation}</com:idCorrelation>` : '') +
    '</com:enteteRequete>'
  );
}

/** Element order of deposerSignalisation: node-soap writes keys in object order, not schema order. */
const DEPOSIT_ORDER = [
  'offre', 'identifiantPrestation', 'formulaire', 'defautDeclare', 'impact', 'dateDebutDefaut', 'localisationPresumee',
  'referenceInterneOC', 'contactSite', 'contactOC', 'accesSite', 'commentaire', 'champs', 'idDemandeTest',
];

/** A complete, valid deposit for a demo prestation, in schema order; `undefined` removes a field. */
export function depositArgs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const values: Record<string, unknown> = {
    offre: 'FTTH_PASSIF',
    identifiantPrestation: 'FI-1000-0001',
    formulaire: { idFormulaire: 'FTTH_PASSIF', version: 1 },
    defautDeclare: 'INTERRUPTION_TOTALE',
    impact: 'TOTAL',
    referenceInterneOC: `OC-${Math.random().toString(36).slice(2, 10)}`,
    contactSite: { nom: 'Mme Durand', telephone: '0612345678' },
    contactOC: { nom: 'Supervision OPA', telephone: '0100000000', email: 'sav@opa.example' },
    ...overrides,
  };
  const ordered: Record<string, unknown> = {};
  for (const key of DEPOSIT_ORDER) if (values[key] !== undefined) ordered[key] = values[key];
  return ordered;
}

/** Sends raw bytes to an endpoint over mTLS; returns status and body (for malformed-input tests). */
export function rawPost(
  url: string,
  tls: ClientTls | undefined,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: 'POST', headers, ...(tls ?? {}), ca: tls?.ca, agent: false, servername: 'localhost', checkServerIdentity: () => undefined },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
