// Certificates and configuration (issue 6): a recognised CA given by ESAV_EXTERNAL_CA, and
// changes made by another gateway process (straight in the database) picked up by the periodic
// re-read (ESAV_TRUST_REFRESH_SECONDS): a revocation closes the open connection here too.
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { certificatesConfig } from '../../src/composition/config/certificates.js';
import { ConfigError } from '../../src/composition/config/config.js';
import { enteteRequete, startTestGateway, type TestGateway } from '../support/gateway.js';
import { makeCertificate, makeRoot } from '../support/operator-pki.js';
import { describeWithPostgres } from '../support/postgres.js';

const describeDb = await describeWithPostgres();

const catalogue = (code: string) =>
  `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>${enteteRequete(code)}</soapenv:Header>` +
  '<soapenv:Body><sig:consulterCatalogue xmlns:sig="urn:esav:signalisation:v1"/></soapenv:Body></soapenv:Envelope>';

describe('certificates configuration', () => {
  test('provider CA files go together; validity and refresh are bounded', () => {
    expect(certificatesConfig({})).toEqual({ providerCa: undefined, externalCaFiles: [], validityDays: 365, trustRefreshSeconds: 30 });
    expect(() => certificatesConfig({ ESAV_PROVIDER_CA_CERT: 'ca.crt' })).toThrow(ConfigError);
    expect(() => certificatesConfig({ ESAV_CERT_VALIDITY_DAYS: '2000' })).toThrow(/ESAV_CERT_VALIDITY_DAYS=2000 must be an integer in \[1, 1095\]/);
    expect(certificatesConfig({ ESAV_EXTERNAL_CA: ' a.pem, b.pem ,', ESAV_TRUST_REFRESH_SECONDS: '0' })).toMatchObject({ externalCaFiles: ['a.pem', 'b.pem'], trustRefreshSeconds: 0 });
  });
});

describeDb('certificates: configured external CA, changes of other processes', () => {
  let t: TestGateway;
  let dir: string;
  const root = makeRoot('AC Configuree');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-external-ca-'));
    fs.writeFileSync(path.join(dir, 'external.pem'), root.certPem);
    t = await startTestGateway({ env: { ESAV_EXTERNAL_CA: path.join(dir, 'external.pem'), ESAV_TRUST_REFRESH_SECONDS: '1' } });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a certificate of the configured external CA registers (origin AC_RECONNUE) and authenticates; a revocation written by another process closes its connection', async () => {
    const authorities = await t.admin('GET', '/admin/autorites');
    expect(authorities.body.autorites).toEqual(
      expect.arrayContaining([expect.objectContaining({ sujet: 'CN=AC Configuree, O=AC Externe Test', source: 'CONFIGURATION', fournisseur: false })]),
    );
    const client = makeCertificate(root, { commonName: 'OPA1 via AC configurée' });
    const registered = await t.admin('POST', '/admin/certificats/enregistrement', { agent: 'Bob', operateur: 'OPA1', profil: 'TOUT', pem: client.certPem });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ certificat: { origine: 'AC_RECONNUE', livraison: 'PEM', etat: 'ACTIF', enregistrePar: 'Bob' }, avertissements: [] });

    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, key: client.keyPem, cert: client.certPem, ca: t.gateway.devPki!.ca.certPem, checkServerIdentity: () => undefined });
    try {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const request = https.request(`${t.url}/ws/v1/signalisation`, { method: 'POST', agent, headers: { 'content-type': 'text/xml; charset=utf-8' } }, (response) => {
          response.resume();
          response.on('end', () => (response.statusCode === 200 ? resolve(request.socket as Socket) : reject(new Error(`HTTP ${response.statusCode}`))));
        });
        request.on('error', reject);
        request.end(catalogue('OPA1'));
      });
      expect(socket.destroyed).toBe(false);
      // Another gateway process revoked it: only the database changed here.
      await t.db.query("UPDATE client_certificates SET revoked_at = now(), revoked_by = 'autre passerelle' WHERE fingerprint_sha256 = $1", [registered.body.certificat.empreinte]);
      const started = Date.now();
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      agent.destroy();
    }
  });

  test('admin API refusals: unknown fields, missing agent, both CSR and PKCS#12', async () => {
    const unknown = await t.admin('POST', '/admin/certificats/emission', { agent: 'Bob', operateur: 'OPA1', profil: 'TOUT', pkcs12: true, cle: 'x' });
    expect(unknown).toEqual({ status: 400, body: { erreur: 'requête invalide : corps : champ cle inconnu' } });
    const noAgent = await t.admin('POST', '/admin/certificats/emission', { operateur: 'OPA1', profil: 'TOUT', pkcs12: true });
    expect(noAgent).toEqual({ status: 400, body: { erreur: 'requête invalide : corps : champ agent obligatoire' } });
    const both = await t.admin('POST', '/admin/certificats/emission', { agent: 'Bob', operateur: 'OPA1', profil: 'TOUT', pkcs12: true, csr: 'x' });
    expect(both.status).toBe(400);
    expect(both.body.erreur).toMatch(/soit csr .*, soit pkcs12: true/);
    const badCsr = await t.admin('POST', '/admin/certificats/emission', { agent: 'Bob', operateur: 'OPA1', profil: 'TOUT', csr: 'pas une demande' });
    expect(badCsr).toEqual({ status: 400, body: { erreur: 'refusé : demande de certificat illisible : un bloc PEM « BEGIN CERTIFICATE REQUEST » (PKCS#10) est attendu' } });
    const noToken = await t.admin('GET', '/admin/operateurs', undefined, null);
    expect(noToken.status).toBe(401);
  });
});
