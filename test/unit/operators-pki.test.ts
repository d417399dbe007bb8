// The provider's PKI for operators' certificates (issue 6): issuing from a CSR (RSA made with
// node-forge, EC made with openssl), PKCS#12 delivery usable by a TLS client, and the checks a
// certificate from a recognised CA goes through before registration.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { createCertificateAuthority, issueServerCertificate } from '../../src/adapters/pki/certificates.js';
import {
  CLIENT_AUTH_OID,
  PkiError,
  inspectAuthority,
  inspectClientCertificate,
  issueClientCertificateForKey,
  issueClientCertificateWithKeyPair,
  keyUsageOf,
  parseCsr,
} from '../../src/adapters/pki/client-certificates.js';
import { DAY, HOUR, makeCertificate, makeCsr, makeIntermediate, makeOpensslEcCsr, makeRoot } from '../support/operator-pki.js';

const now = new Date();
const validity = { notBefore: new Date(now.getTime() - HOUR), notAfter: new Date(now.getTime() + 90 * DAY) };
const provider = createCertificateAuthority({ commonName: 'AC fournisseur (test)', notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 3650 * DAY) });
const subject = { commonName: 'OPX1', organization: 'Opérateur X', organizationalUnit: 'e-SAV' };

/** A TLS server that asks for a client certificate from `caPems`; resolves with OpenSSL's verdict. */
async function handshake(caPems: string[], client: { key?: string | Buffer; cert?: string | Buffer; pfx?: Buffer; passphrase?: string }): Promise<{ authorized: boolean; error?: string; fingerprint?: string }> {
  const server = issueServerCertificate(provider, { commonName: 'localhost', hosts: ['localhost', '127.0.0.1'], ...validity });
  const tlsServer: Server = createServer({ key: server.keyPem, cert: server.certPem, ca: caPems, requestCert: true, rejectUnauthorized: false });
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const verdict = new Promise<{ authorized: boolean; error?: string; fingerprint?: string }>((resolve) => {
    tlsServer.on('secureConnection', (socket: TLSSocket) => {
      const error = socket.authorizationError;
      resolve({ authorized: socket.authorized, ...(error ? { error: String((error as { code?: string }).code ?? error) } : {}), fingerprint: socket.getPeerCertificate().fingerprint256 });
      socket.end();
    });
  });
  const socket = connect({ port: (tlsServer.address() as AddressInfo).port, host: '127.0.0.1', ca: provider.certPem, servername: 'localhost', ...client });
  socket.on('error', () => undefined);
  try {
    return await verdict;
  } finally {
    socket.destroy();
    await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  }
}

describe('issuing from an operator CSR', () => {
  test('RSA CSR made with node-forge: clientAuth certificate, provider subject, usable for mutual TLS', async () => {
    const { csrPem, keyPem } = makeCsr('whatever the operator wrote');
    const csr = parseCsr(csrPem);
    expect(csr.subject).toBe('CN=whatever the operator wrote, O=Operateur');
    expect(csr.key.description).toBe('RSA 2048 bits');
    const issued = issueClientCertificateForKey(provider, csr.spkiDer, subject, validity);
    const x509 = new X509Certificate(issued.certPem);
    expect(x509.subject.split('\n')).toEqual(['CN=OPX1', 'O=Opérateur X', 'OU=e-SAV']);
    expect(x509.checkIssued(new X509Certificate(provider.certPem))).toBe(true);
    expect(x509.keyUsage).toEqual([CLIENT_AUTH_OID]);
    expect(x509.ca).toBe(false);
    expect(x509.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(keyUsageOf(x509.raw)).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(issued.info.notAfter.getTime()).toBe(Math.floor(validity.notAfter.getTime() / 1000) * 1000);

    const verdict = await handshake([provider.certPem], { key: keyPem, cert: issued.certPem });
    expect(verdict).toMatchObject({ authorized: true });
    expect(inspectClientCertificate(issued.certPem, [provider.certPem], now, provider.certPem)).toMatchObject({ problems: [], issuedByProvider: true });
  });

  test('EC P-256 CSR made with openssl: certificate for the EC key, accepted by OpenSSL', async () => {
    const { dir, csrPath, keyPath } = await makeOpensslEcCsr('OPX1');
    try {
      const csr = parseCsr(fs.readFileSync(csrPath, 'utf8'));
      expect(csr.key.description).toMatch(/^EC prime256v1/);
      const issued = issueClientCertificateForKey(provider, csr.spkiDer, subject, validity);
      expect(keyUsageOf(new X509Certificate(issued.certPem).raw)).toEqual(['digitalSignature']);
      const verdict = await handshake([provider.certPem], { key: fs.readFileSync(keyPath), cert: issued.certPem });
      expect(verdict).toMatchObject({ authorized: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an unreadable CSR, a tampered one and a weak key are refused with a clear message', () => {
    expect(() => parseCsr('hello')).toThrow(/BEGIN CERTIFICATE REQUEST/);
    const { csrPem } = makeCsr('OPX1');
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
    // Flip one byte inside the subject: the self-signature no longer matches.
    const index = der.indexOf(Buffer.from('OPX1'));
    der[index] = 'Q'.charCodeAt(0);
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(() => parseCsr(tampered)).toThrow(/signature invalide/);
    expect(() => parseCsr(makeCsr('OPX1', 1024).csrPem)).toThrow(new PkiError('demande de certificat refusée : clé trop faible : RSA 1024 bits (2048 bits au moins)'));
  });
});

describe('PKCS#12 delivery', () => {
  test('the .p12 opens with its password in a TLS client and authenticates', async () => {
    const delivery = issueClientCertificateWithKeyPair(provider, subject, validity, 'un mot de passe solide', 'OPX1 e-SAV');
    const verdict = await handshake([provider.certPem], { pfx: delivery.pkcs12, passphrase: 'un mot de passe solide' });
    expect(verdict).toMatchObject({ authorized: true });
    expect(verdict.fingerprint?.replace(/:/g, '').toLowerCase()).toBe(delivery.info.fingerprint256);
    expect(() => connect({ pfx: delivery.pkcs12, passphrase: 'mauvais', port: 1 })).toThrow();
  });
});

describe('checks before registering a certificate from a recognised CA', () => {
  const root = makeRoot('AC Externe Racine');
  const trusted = [provider.certPem, root.certPem];
  const inspect = (pem: string) => inspectClientCertificate(pem, trusted, now, provider.certPem);

  test('a good certificate of the external CA passes (origin: not the provider)', () => {
    const good = makeCertificate(root);
    expect(inspect(good.certPem)).toMatchObject({ problems: [], issuedByProvider: false, chain: ['CN=Operateur externe, O=AC Externe Test', 'CN=AC Externe Racine, O=AC Externe Test'] });
  });

  test.each([
    ['expired', { notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() - DAY) }, /^certificat expiré depuis le /],
    ['not yet valid', { notBefore: new Date(now.getTime() + DAY), notAfter: new Date(now.getTime() + 10 * DAY) }, /^certificat pas encore valide : valide à partir du /],
    ['serverAuth only', { eku: ['serverAuth'] }, /extendedKeyUsage ne contient pas clientAuth \(trouvé : serverAuth\)/],
    ['no extendedKeyUsage', { eku: null }, /extendedKeyUsage doit être présente et contenir clientAuth/],
    ['keyUsage without digitalSignature', { keyUsage: ['keyEncipherment'] }, /keyUsage ne contient pas digitalSignature \(trouvé : keyEncipherment\)/],
    ['a CA certificate', { isCa: true, eku: ['clientAuth'], keyUsage: ['digitalSignature', 'keyCertSign'] }, /certificat d’autorité \(CA:TRUE\)/],
    ['RSA 1024', { rsaBits: 1024 }, /^clé trop faible : RSA 1024 bits \(2048 bits au moins\)$/],
  ])('%s → refused', (_name, options, message) => {
    const result = inspect(makeCertificate(root, options).certPem);
    expect(result.problems).toEqual([expect.stringMatching(message)]);
  });

  test('an untrusted chain (unknown CA, self-signed) → refused naming the issuer', () => {
    const other = makeRoot('AC Inconnue');
    expect(inspect(makeCertificate(other).certPem).problems).toEqual([expect.stringMatching(/l’émetteur « CN=AC Inconnue, O=AC Externe Test » n’est pas une AC reconnue/)]);
    expect(inspect(makeCertificate(undefined, { commonName: 'moi' }).certPem).problems).toEqual([expect.stringMatching(/n’est pas une AC reconnue/)]);
  });

  test('through an intermediate: sent along (warning) or recognised; never through an unknown root', () => {
    const intermediate = makeIntermediate(root, 'AC Externe Intermediaire');
    const leaf = makeCertificate(intermediate);
    expect(inspect(leaf.certPem).problems).toHaveLength(1);
    const bundled = inspect(`${leaf.certPem}${intermediate.certPem}`);
    expect(bundled.problems).toEqual([]);
    expect(bundled.warnings).toEqual([expect.stringMatching(/présenter le certificat intermédiaire « CN=AC Externe Intermediaire/)]);
    expect(inspectClientCertificate(leaf.certPem, [...trusted, intermediate.certPem], now).problems).toEqual([]);
    const strangerRoot = makeRoot('Racine inconnue');
    const strangerIntermediate = makeIntermediate(strangerRoot, 'Intermediaire inconnu');
    expect(inspect(`${makeCertificate(strangerIntermediate).certPem}${strangerIntermediate.certPem}`).problems).toEqual([expect.stringMatching(/« CN=Racine inconnue, O=AC Externe Test » n’est pas une AC reconnue/)]);
  });

  test('recognising a new CA: a root or an intermediate of a known root; never a leaf or a weak key', () => {
    expect(inspectAuthority(makeRoot('Nouvelle AC').certPem, trusted, now)).toMatchObject({ problems: [], selfSigned: true });
    expect(inspectAuthority(makeIntermediate(root, 'Inter').certPem, trusted, now)).toMatchObject({ problems: [], selfSigned: false });
    expect(inspectAuthority(makeCertificate(root).certPem, trusted, now).problems[0]).toMatch(/pas un certificat d’autorité/);
    expect(inspectAuthority(makeCertificate(undefined, { isCa: true, rsaBits: 1024 }).certPem, trusted, now).problems).toEqual([expect.stringMatching(/RSA 1024 bits/)]);
    expect(inspectAuthority(makeIntermediate(makeRoot('X'), 'Y').certPem, trusted, now).problems).toEqual([expect.stringMatching(/ajouter d’abord l’AC racine/)]);
    expect(() => inspectAuthority('nope', trusted, now)).toThrow(PkiError);
  });
});
