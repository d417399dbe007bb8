import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { describeCertificate, fingerprint256 } from '../../src/adapters/pki/certificates.js';
import { type DevPki, ensureDevPki } from '../../src/adapters/pki/dev-pki.js';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const SERVER_AUTH_OID = '1.3.6.1.5.5.7.3.1';
const NOW = new Date();

const normalise = (fp: string): string => fp.replace(/:/g, '').toLowerCase();

describe('development PKI', () => {
  let dir: string;
  let pki: DevPki;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'esav-pki-'));
    pki = ensureDevPki({ dir, operatorCodes: ['OPA'], now: NOW });
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('issues server and operator certificates that verify against the CA', () => {
    const ca = new X509Certificate(pki.ca.certPem);
    const server = new X509Certificate(pki.server.certPem);
    const client = new X509Certificate(pki.operators.OPA!.certPem);

    expect(ca.ca).toBe(true);
    for (const cert of [server, client]) {
      expect(cert.ca).toBe(false);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(cert.checkIssued(ca)).toBe(true);
    }
  });

  it('names localhost and the loopback addresses in the server certificate', () => {
    const server = new X509Certificate(pki.server.certPem);
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(server.keyUsage).toContain(SERVER_AUTH_OID);
  });

  it('gives operator certificates clientAuth and the operator identity', () => {
    const operator = pki.operators.OPA!;
    const client = new X509Certificate(operator.certPem);
    expect(client.keyUsage).toContain(CLIENT_AUTH_OID);
    expect(client.keyUsage).not.toContain(SERVER_AUTH_OID);
    expect(client.subject.split('\n')).toEqual(['CN=OPA', 'O=Operateur OPA', 'OU=e-SAV']);
    expect(operator.certPath).toBe(join(dir, 'operators', 'OPA.crt'));
    expect(operator.keyPath).toBe(join(dir, 'operators', 'OPA.key'));
    expect(readFileSync(operator.certPath, 'utf8')).toBe(operator.certPem);
  });

  it('uses the requested validity periods', () => {
    const hour = 60 * 60 * 1000;
    const ca = describeCertificate(pki.ca.certPem);
    const operator = pki.operators.OPA!.info;
    // Certificate times have one-second resolution.
    expect(Math.abs(operator.notBefore.getTime() - (NOW.getTime() - hour))).toBeLessThan(1000);
    expect(operator.notAfter.getUTCFullYear()).toBe(NOW.getUTCFullYear() + 2);
    expect(ca.notAfter.getUTCFullYear()).toBe(NOW.getUTCFullYear() + 10);
    expect(operator.issuer).toBe(ca.subject);
  });

  it('writes private keys with mode 600', () => {
    for (const path of [pki.paths.caKey, pki.paths.serverKey, pki.operators.OPA!.keyPath]) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
  });

  it('describes certificates with node-compatible normalised fingerprints', () => {
    const x509 = new X509Certificate(pki.operators.OPA!.certPem);
    const info = describeCertificate(pki.operators.OPA!.certPem);
    expect(info.fingerprint256).toBe(normalise(x509.fingerprint256));
    expect(info.fingerprint256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.serialNumber).toBe(x509.serialNumber.toLowerCase());
    expect(info.serialNumber).toMatch(/^[0-9a-f]+$/);
    expect(fingerprint256(x509.raw)).toBe(info.fingerprint256);
    expect(fingerprint256(pki.operators.OPA!.certPem)).toBe(info.fingerprint256);
    expect(pki.operators.OPA!.info).toEqual(info);
  });

  it('reuses existing files and only adds missing operators', () => {
    const again = ensureDevPki({ dir, operatorCodes: ['OPA', 'OPB'], now: NOW });

    expect(fingerprint256(again.ca.certPem)).toBe(fingerprint256(pki.ca.certPem));
    expect(fingerprint256(again.server.certPem)).toBe(fingerprint256(pki.server.certPem));
    expect(again.operators.OPA!.info.fingerprint256).toBe(pki.operators.OPA!.info.fingerprint256);
    expect(again.operators.OPA!.keyPem).toBe(pki.operators.OPA!.keyPem);

    const added = new X509Certificate(again.operators.OPB!.certPem);
    expect(added.checkIssued(new X509Certificate(pki.ca.certPem))).toBe(true);
    expect(statSync(again.operators.OPB!.keyPath).mode & 0o777).toBe(0o600);
  });

  it('rejects operator codes that are not safe file names', () => {
    expect(() => ensureDevPki({ dir, operatorCodes: ['../evil'], now: NOW })).toThrow(/operator code/);
  });
});

describe('mutual TLS with the development PKI', () => {
  let dir: string;
  let server: Server | undefined;
  let client: TLSSocket | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'esav-pki-tls-'));
  });

  afterAll(async () => {
    client?.destroy();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('authenticates both sides and exposes the operator fingerprint to the server', async () => {
    const pki = ensureDevPki({ dir, operatorCodes: ['OPA'], now: new Date() });
    const operator = pki.operators.OPA!;

    const serverSide = new Promise<TLSSocket>((resolve) => {
      server = createServer(
        {
          cert: pki.server.certPem,
          key: pki.server.keyPem,
          ca: pki.ca.certPem,
          requestCert: true,
          rejectUnauthorized: true,
        },
        (socket) => {
          resolve(socket);
          socket.end();
        },
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server!.address() as AddressInfo;

    const clientSide = new Promise<TLSSocket>((resolve, reject) => {
      const socket = connect({
        host: '127.0.0.1',
        port,
        cert: operator.certPem,
        key: operator.keyPem,
        ca: pki.ca.certPem,
      });
      client = socket;
      socket.once('secureConnect', () => resolve(socket));
      socket.once('error', reject);
    });

    const [serverSocket, clientSocket] = await Promise.all([serverSide, clientSide]);
    expect(clientSocket.authorized).toBe(true);
    expect(serverSocket.authorized).toBe(true);
    const peer = serverSocket.getPeerCertificate();
    expect(normalise(peer.fingerprint256)).toBe(operator.info.fingerprint256);
    expect(peer.subject.CN).toBe('OPA');
  });
});
