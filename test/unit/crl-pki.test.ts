// The CRL adapter (decision 0019) on its own: distribution points read from a certificate, CRLs in
// DER and PEM verified against the recognised CAs, the fetch limits (size, status), and the
// configuration of the policy. A local HTTP server serves the CRLs.
import { X509Certificate } from 'node:crypto';
import { crlConfig } from '../../src/composition/config/crl.js';
import { describeForCrl, fetchCrl, normaliseSerial, verifyCrl } from '../../src/adapters/pki/crl.js';
import { makeCertificate, makeIntermediate, makeRoot } from '../support/operator-pki.js';
import { CrlServer, makeCrl } from '../support/crl.js';

describe('CRL adapter', () => {
  const root = makeRoot('AC Unitaire');
  const server = new CrlServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  test('distribution points (http/https only), serial and issuer key of a certificate', () => {
    const cert = makeCertificate(root, { crlUrls: ['http://crl.example/a.crl', 'ldap://crl.example/cn=a', 'https://crl.example/b.crl'] });
    const described = describeForCrl(cert.certPem);
    expect(described.urls).toEqual(['http://crl.example/a.crl', 'https://crl.example/b.crl']);
    expect(described.serial).toBe(normaliseSerial(new X509Certificate(cert.certPem).serialNumber));
    expect(describeForCrl(makeCertificate(root).certPem).urls).toEqual([]);
    expect(normaliseSerial('00:0A:1b')).toBe('a1b');
    expect(normaliseSerial('00')).toBe('0');
  });

  test('a CRL in DER or PEM verifies against its recognised CA; a wrong key, an unknown CA or garbage does not', async () => {
    const cert = makeCertificate(root);
    const serial = new X509Certificate(cert.certPem).serialNumber;
    const der = await makeCrl(root, { revoked: [serial] });
    const verified = await verifyCrl(der, [makeRoot('Autre').certPem, root.certPem]);
    expect(verified).toMatchObject({ issuer: 'CN=AC Unitaire, O=AC Externe Test', revokedSerials: [normaliseSerial(serial)], issuerKey: describeForCrl(cert.certPem).issuerKey });
    expect(verified.nextUpdate!.getTime()).toBeGreaterThan(verified.thisUpdate.getTime());
    const pem = `-----BEGIN X509 CRL-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END X509 CRL-----\n`;
    expect((await verifyCrl(Buffer.from(pem), [root.certPem])).revokedSerials).toEqual([normaliseSerial(serial)]);
    await expect(verifyCrl(await makeCrl(root, { signingKeyPem: makeRoot('X').keyPem }), [root.certPem])).rejects.toThrow(/signature invalide/);
    await expect(verifyCrl(der, [makeRoot('Autre').certPem])).rejects.toThrow(/« CN=AC Unitaire, O=AC Externe Test » n’est pas une AC reconnue/);
    await expect(verifyCrl(Buffer.from('pas une LCR'), [root.certPem])).rejects.toThrow(/LCR illisible/);
    // An intermediate's CRL, the intermediate recognised.
    const intermediate = makeIntermediate(root, 'AC Unitaire Clients');
    expect((await verifyCrl(await makeCrl(intermediate), [root.certPem, intermediate.certPem])).issuer).toBe('CN=AC Unitaire Clients, O=AC Externe Test');
  });

  test('fetch: the body within the size limit; larger, not found or unreachable: errors', async () => {
    server.body = await makeCrl(root);
    expect(await fetchCrl(server.url, { timeoutMs: 5000, maxBytes: 1_000_000 })).toEqual(server.body);
    await expect(fetchCrl(server.url, { timeoutMs: 5000, maxBytes: 100 })).rejects.toThrow(/LCR trop volumineuse : \d+ octets \(au plus 100\)/);
    await expect(fetchCrl(server.url.replace('ca.crl', 'autre.crl'), { timeoutMs: 5000, maxBytes: 1000 })).rejects.toThrow('source en erreur : HTTP 404');
    await expect(fetchCrl('ftp://crl.example/a.crl', { timeoutMs: 5000, maxBytes: 1000 })).rejects.toThrow(/protocole non pris en charge/);
    const stopped = new CrlServer();
    await stopped.start();
    await stopped.stop();
    await expect(fetchCrl(stopped.url, { timeoutMs: 5000, maxBytes: 1000 })).rejects.toThrow(/source injoignable : .*ECONNREFUSED/);
  });

  test('configuration: defaults, policy checked', () => {
    expect(crlConfig({})).toEqual({ refreshSeconds: 3600, unavailablePolicy: 'accept', fetchTimeoutMs: 10_000, maxBytes: 10 * 1024 * 1024 });
    expect(crlConfig({ ESAV_CRL_UNAVAILABLE_POLICY: 'REFUSE', ESAV_CRL_REFRESH_SECONDS: '600' })).toMatchObject({ unavailablePolicy: 'refuse', refreshSeconds: 600 });
    expect(() => crlConfig({ ESAV_CRL_UNAVAILABLE_POLICY: 'ignore' })).toThrow(/ESAV_CRL_UNAVAILABLE_POLICY=ignore must be one of accept, refuse/);
  });
});
