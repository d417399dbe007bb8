// Who may talk to the gateway and what a hostile or broken message gets: TLS admission,
// certificate and header rules (200–203), protocol faults (100–103, 400, 500), with nothing
// stored, the gateway still serving, and logs free of secrets and message bodies.
import https from 'node:https';
import { SettableClock } from '../../src/domain/clock.js';
import { createCertificateAuthority, describeCertificate, issueClientCertificate } from '../../src/adapters/pki/certificates.js';
import { SqlOperatorRepository } from '../../src/adapters/postgres/operators.js';
import { SqlConformanceRunRepository } from '../../src/adapters/postgres/conformance-runs.js';
import { depositArgs, enteteRequete, rawPost, startTestGateway, type ClientTls, type TestGateway } from '../support/gateway.js';
import { parseFault, soapFault } from '../support/faults.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();
const HOUR = 3600_000;

function envelope(payload: string, header = enteteRequete('OPA1')): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${header}</soapenv:Header><soapenv:Body>${payload}</soapenv:Body></soapenv:Envelope>`;
}

const stateRequest = (reference = 'SIG-0000000001') =>
  `<sig:consulterEtatSignalisation xmlns:sig="urn:esav:signalisation:v1"><sig:referenceSignalisation>${reference}</sig:referenceSignalisation></sig:consulterEtatSignalisation>`;

const depositXml = (referenceInterneOC: string, extra = '') =>
  `<sig:deposerSignalisation xmlns:sig="urn:esav:signalisation:v1"><sig:offre>FTTH_PASSIF</sig:offre><sig:identifiantPrestation>FI-1000-0001</sig:identifiantPrestation><sig:formulaire><sig:idFormulaire>FTTH_PASSIF</sig:idFormulaire><sig:version>1</sig:version></sig:formulaire><sig:defautDeclare>INTERRUPTION_TOTALE</sig:defautDeclare><sig:impact>TOTAL</sig:impact><sig:referenceInterneOC>${referenceInterneOC}</sig:referenceInterneOC><sig:contactSite><sig:nom>A${extra}</sig:nom><sig:telephone>0612345678</sig:telephone></sig:contactSite><sig:contactOC><sig:nom>B</sig:nom><sig:telephone>0100000000</sig:telephone></sig:contactOC></sig:deposerSignalisation>`;

describeDb('security and protocol faults', () => {
  let t: TestGateway;
  let endpoint: string;
  let opa: ClientTls;

  beforeAll(async () => {
    t = await startTestGateway();
    endpoint = `${t.url}/ws/v1/signalisation`;
    opa = t.tlsFor('OPA1');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function count(): Promise<number> {
    const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM signalisations');
    return row!.n;
  }

  /** Posts raw XML as OPA1; asserts a fault and that nothing was stored. */
  async function expectFault(body: string | Buffer, code: number, headers?: Record<string, string>) {
    const before = await count();
    const response = await rawPost(endpoint, opa, body, headers);
    expect(response.status).toBe(500);
    const fault = parseFault(response.body);
    expect(fault.code).toBe(code);
    expect(await count()).toBe(before);
    return fault;
  }

  async function expectStillServing() {
    const response = await rawPost(endpoint, opa, envelope(stateRequest()));
    expect(parseFault(response.body).code).toBe(310); // a normal business answer
  }

  // ---------- TLS admission ----------
  function connect(tls: Partial<ClientTls>): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = https.request(`${t.url}/ws/v1/signalisation?wsdl`, {
        ...tls,
        ca: opa.ca,
        agent: false,
        checkServerIdentity: () => undefined,
      });
      request.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end();
    });
  }

  test('the registered demo certificate is admitted', async () => {
    expect(await connect(opa)).toBe(200);
  });

  test('no client certificate: the connection is refused before any HTTP', async () => {
    await expect(connect({})).rejects.toThrow();
  });

  test('a self-signed certificate and one from another CA are refused at the TLS layer', async () => {
    const now = new Date();
    const foreignCa = createCertificateAuthority({ commonName: 'Autre AC', notBefore: new Date(now.getTime() - HOUR), notAfter: new Date(now.getTime() + 1000 * HOUR) });
    const foreign = issueClientCertificate(foreignCa, { commonName: 'OPA1', notBefore: new Date(now.getTime() - HOUR), notAfter: new Date(now.getTime() + 100 * HOUR) });
    await expect(connect({ key: Buffer.from(foreign.keyPem), cert: Buffer.from(foreign.certPem) })).rejects.toThrow();
    // Self-signed: a CA certificate presented as a client certificate.
    await expect(connect({ key: Buffer.from(foreignCa.keyPem), cert: Buffer.from(foreignCa.certPem) })).rejects.toThrow();
    // Expired AND foreign: still refused (only an expired certificate of a trusted CA gets through).
    const expiredForeign = issueClientCertificate(foreignCa, { commonName: 'OPA1', notBefore: new Date(now.getTime() - 100 * HOUR), notAfter: new Date(now.getTime() - HOUR) });
    await expect(connect({ key: Buffer.from(expiredForeign.keyPem), cert: Buffer.from(expiredForeign.certPem) })).rejects.toThrow();
    await expectStillServing();
  });

  // ---------- certificate registration: fault 200 ----------
  function issueFromGatewayCa(notBefore: Date, notAfter: Date) {
    const pki = t.gateway.devPki!;
    return issueClientCertificate(pki.ca, { commonName: 'OPA1', organization: 'Operateur OPA1', notBefore, notAfter });
  }

  async function register(certPem: string, profileName = 'TOUT') {
    const info = describeCertificate(certPem);
    await new SqlOperatorRepository(t.db).registerCertificate(
      { ...info, fingerprint256: info.fingerprint256, operatorCode: 'OPA1', profileName, origin: 'FOURNISSEUR' },
      new Date(),
    );
    return info;
  }

  const tlsOf = (c: { keyPem: string; certPem: string }): ClientTls => ({ key: Buffer.from(c.keyPem), cert: Buffer.from(c.certPem), ca: opa.ca });

  test('a trusted but unregistered certificate → 200', async () => {
    const now = new Date();
    const cert = issueFromGatewayCa(new Date(now.getTime() - HOUR), new Date(now.getTime() + 100 * HOUR));
    const response = await rawPost(endpoint, tlsOf(cert), envelope(stateRequest()));
    const fault = parseFault(response.body);
    expect(fault.code).toBe(200);
    expect(fault.libelle).toMatch(/non enregistré/);
  });

  test('an expired certificate of the provider CA → 200 naming the expiry', async () => {
    const now = new Date();
    const cert = issueFromGatewayCa(new Date(now.getTime() - 100 * HOUR), new Date(now.getTime() - HOUR));
    await register(cert.certPem);
    const response = await rawPost(endpoint, tlsOf(cert), envelope(stateRequest()));
    const fault = parseFault(response.body);
    expect(fault.code).toBe(200);
    expect(fault.libelle).toMatch(/expiré/);
  });

  test('a revoked certificate → 200', async () => {
    const now = new Date();
    const cert = issueFromGatewayCa(new Date(now.getTime() - HOUR), new Date(now.getTime() + 100 * HOUR));
    const info = await register(cert.certPem);
    const before = await rawPost(endpoint, tlsOf(cert), envelope(stateRequest()));
    expect(parseFault(before.body).code).toBe(310); // works before revocation
    await new SqlOperatorRepository(t.db).revokeCertificate(info.fingerprint256, new Date());
    const after = await rawPost(endpoint, tlsOf(cert), envelope(stateRequest()));
    const fault = parseFault(after.body);
    expect(fault.code).toBe(200);
    expect(fault.libelle).toMatch(/révoqué/);
  });

  // ---------- header and profile: 201, 202, 400 ----------
  test('codeOperateur of another operator → 201, nothing stored', async () => {
    const fault = await expectFault(envelope(depositXml('H-201'), enteteRequete('OPB2')), 201);
    expect(fault.champ).toBe('enteteRequete/codeOperateur');
  });

  test('an operation outside the certificate profile → 202, nothing stored', async () => {
    const now = new Date();
    const cert = issueFromGatewayCa(new Date(now.getTime() - HOUR), new Date(now.getTime() + 100 * HOUR));
    await register(cert.certPem, 'SIGNALISATION_LECTURE');
    const before = await count();
    const deposit = await rawPost(endpoint, tlsOf(cert), envelope(depositXml('H-202')));
    expect(parseFault(deposit.body).code).toBe(202);
    expect(await count()).toBe(before);
    const read = await rawPost(endpoint, tlsOf(cert), envelope(stateRequest()));
    expect(parseFault(read.body).code).toBe(310); // reading is allowed
  });

  test('versionWS of another version → 400', async () => {
    const fault = await expectFault(envelope(stateRequest(), enteteRequete('OPA1', { versionWS: '2' })), 400);
    expect(fault.libelle).toContain('1');
  });

  test('missing enteteRequete → 101', async () => {
    const body = envelope(stateRequest(), '');
    expect((await expectFault(body, 101)).champ).toBe('enteteRequete');
  });

  // ---------- protocol: 100, 102, 103 ----------
  test('not well-formed XML → 100', async () => {
    await expectFault('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>', 100);
  });

  test('a SOAP 1.2 envelope → 100, as text/xml and as application/soap+xml', async () => {
    const soap12 = envelope(stateRequest()).replaceAll('http://schemas.xmlsoap.org/soap/envelope/', 'http://www.w3.org/2003/05/soap-envelope');
    await expectFault(soap12, 100);
    await expectFault(envelope(stateRequest()), 100, { 'content-type': 'application/soap+xml; charset=utf-8' });
  });

  test('wrong or missing content type → 100', async () => {
    await expectFault(envelope(stateRequest()), 100, { 'content-type': 'application/json' });
    await expectFault(envelope(stateRequest()), 100, {});
  });

  test('unknown operation → 102; SOAPAction of another operation → 102', async () => {
    await expectFault(envelope('<sig:supprimerTout xmlns:sig="urn:esav:signalisation:v1"/>'), 102);
    await expectFault(envelope(depositXml('H-102')), 102, {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: '"urn:esav:signalisation:v1:consulterEtatSignalisation"',
    });
  });

  test('DOCTYPE, external entity (XXE) and billion laughs → 100, nothing stored', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${envelope(depositXml('&xxe;'))}`;
    await expectFault(xxe, 100);
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
      envelope(depositXml('LAUGH-1', '&lol3;'));
    await expectFault(laughs, 100);
    await expectStillServing();
  });

  test('oversized body → 103; too deep → 103; nothing stored', async () => {
    const big = envelope(depositXml('BIG-1', 'x'.repeat(t.config.maxBodyBytes)));
    await expectFault(big, 103);
    const deep = envelope(`${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`);
    await expectFault(deep, 103);
    await expectStillServing();
  });

  test('invalid UTF-8 → 100', async () => {
    const body = Buffer.concat([Buffer.from(envelope(depositXml('UTF8-1')).slice(0, 400)), Buffer.from([0xc3, 0x28]), Buffer.from(envelope(depositXml('UTF8-1')).slice(400))]);
    await expectFault(body, 100);
  });

  test('SQL metacharacters are data, not code', async () => {
    const client = await t.soapClient('OPA1');
    client.addSoapHeader(enteteRequete('OPA1'));
    const hostile = "'); DELETE FROM signalisations; --";
    const args = depositArgs({ commentaire: hostile, contactSite: { nom: "O'Brien\"; DROP TABLE x", telephone: '0612345678' } });
    const [ack] = await client.deposerSignalisationAsync(args);
    const [detail] = await client.consulterDetailSignalisationAsync({ referenceSignalisation: ack.referenceSignalisation });
    expect(detail.signalisation.commentaire).toBe(hostile);
    expect(detail.signalisation.contactSite.nom).toBe("O'Brien\"; DROP TABLE x");
    // Identifiers have a pattern: a quote in a reference is a schema fault, not a query.
    const fault = await soapFault(client.consulterEtatSignalisationAsync({ referenceInterneOC: "x' OR '1'='1" }));
    expect(fault.code).toBe(101);
    expect(await count()).toBeGreaterThan(0);
  });

  // ---------- logs ----------
  test('one log line per request with idRequete, operator, operation, outcome, duration; no key, no body', async () => {
    const marker = 'MARQUEUR-CONFIDENTIEL-42';
    const response = await rawPost(endpoint, opa, envelope(depositXml('LOG-1', marker)));
    expect(response.status).toBe(200);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = lines.find((l) => l.msg === 'request' && l.operation === 'deposerSignalisation' && l.outcome === 'ok' && l.status === 200);
    expect(line).toMatchObject({ operator: 'OPA1', path: '/ws/v1/signalisation' });
    expect(typeof line!.idRequete).toBe('string');
    expect(typeof line!.durationMs).toBe('number');
    const all = t.logs.join('\n');
    expect(all).not.toContain(marker);
    expect(all).not.toContain('PRIVATE KEY');
  });
});

describeDb('platform and technical faults', () => {
  test('a production instance refuses operators not promoted (203)', async () => {
    const t = await startTestGateway({ env: { ESAV_PLATFORM: 'production' } });
    try {
      const client = await t.soapClient('OPA1');
      client.addSoapHeader(enteteRequete('OPA1'));
      const fault = await soapFault(client.consulterEtatSignalisationAsync({ referenceSignalisation: 'SIG-0000000001' }));
      expect(fault.code).toBe(203);
      await t.db.query("UPDATE operators SET platform = 'production', production_domains = '{signalisation}' WHERE code = 'OPA1'");
      // A new connection resolves the identity again.
      const promoted = await t.soapClient('OPA1');
      promoted.addSoapHeader(enteteRequete('OPA1'));
      expect((await soapFault(promoted.consulterEtatSignalisationAsync({ referenceSignalisation: 'SIG-0000000001' }))).code).toBe(310);
    } finally {
      await t.close();
    }
  });

  test('a production instance serves only the domains the operator is promoted for (203 otherwise), from the promotion on', async () => {
    const t = await startTestGateway({ env: { ESAV_PLATFORM: 'production' } });
    try {
      const signalisation = await t.soapClient('OPA1');
      signalisation.addSoapHeader(enteteRequete('OPA1'));
      const tests = await t.soapClient('OPA1', '/ws/v1/test');
      tests.addSoapHeader(enteteRequete('OPA1'));
      expect((await soapFault(signalisation.consulterCatalogueAsync({}))).code).toBe(203);

      // A passing conformance run on the integration platform for signalisation only, then the
      // promotion by support staff: the open connections see it (cached identities invalidated).
      const finishedAt = new Date();
      await new SqlConformanceRunRepository(t.db).record({
        operatorCode: 'OPA1',
        platform: 'integration',
        domains: ['signalisation'],
        passedDomains: ['signalisation'],
        passed: true,
        startedAt: new Date(finishedAt.getTime() - 60_000),
        finishedAt,
        certificateFingerprint: null,
        reportJunit: null,
        reportHtml: null,
      });
      const promoted = await t.admin('POST', '/admin/operateurs/OPA1/promotion', { agent: 'support-test', domaines: ['signalisation'] });
      expect(promoted.status).toBe(200);
      expect(promoted.body.domainesProduction).toEqual(['signalisation']);

      const [catalogue] = await signalisation.consulterCatalogueAsync({});
      expect(catalogue.offre.length).toBeGreaterThan(0);
      const refused = await soapFault(tests.listerTestsDisponiblesAsync({ identifiantPrestation: 'FI-1000-0002' }));
      expect(refused.code).toBe(203);
      expect(refused.faultcode).toBe('soapenv:Client');
      expect(refused.libelle).toMatch(/non promu en production pour le domaine test \(opération listerTestsDisponibles\) : domaine\(s\) promu\(s\) : signalisation/);
    } finally {
      await t.close();
    }
  });

  test('a database failure → 500 (Server, safe to retry), no internal detail leaks, then recovery', async () => {
    const t = await startTestGateway({ clock: new SettableClock(new Date()) });
    try {
      const client = await t.soapClient('OPA1');
      client.addSoapHeader(enteteRequete('OPA1'));
      await t.db.query('ALTER TABLE signalisations RENAME TO signalisations_away');
      const fault = await soapFault(client.deposerSignalisationAsync(depositArgs()));
      expect(fault.code).toBe(500);
      expect(fault.faultcode).toBe('soapenv:Server');
      expect(fault.libelle).not.toMatch(/signalisations_away|relation|SELECT|\.ts|at /);
      await t.db.query('ALTER TABLE signalisations_away RENAME TO signalisations');
      const [ack] = await client.deposerSignalisationAsync(depositArgs());
      expect(ack.etat).toBe('EN_DEPOT');
    } finally {
      await t.close();
    }
  });
});
