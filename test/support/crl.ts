// Certificate revocation lists signed by a test CA (decision 0019), with PKI.js and WebCrypto, and
// a local HTTP server serving one: what a recognised CA publishes at its CRL distribution point.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CertificateAuthority } from '../../src/adapters/pki/certificates.js';

export interface CrlOptions {
  /** Serials (hex) listed as revoked. */
  revoked?: string[];
  thisUpdate?: Date;
  nextUpdate?: Date | null;
  /** Signs with this key (PKCS#8 PEM) instead of the CA's: a CRL that must not verify. */
  signingKeyPem?: string;
}

/** A CRL (DER) of `ca`, v2, SHA-256 with RSA. */
export async function makeCrl(ca: CertificateAuthority, options: CrlOptions = {}): Promise<Buffer> {
  const issuer = pkijs.Certificate.fromBER(new X509Certificate(ca.certPem).raw);
  const now = Date.now();
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = issuer.subject;
  crl.thisUpdate = new pkijs.Time({ type: 0, value: options.thisUpdate ?? new Date(now - 60_000) });
  const next = options.nextUpdate === undefined ? new Date(now + 86_400_000) : options.nextUpdate;
  if (next) crl.nextUpdate = new pkijs.Time({ type: 0, value: next });
  if (options.revoked?.length) {
    crl.revokedCertificates = options.revoked.map(
      (serial) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ valueHex: new Uint8Array(Buffer.from(serial.length % 2 ? `0${serial}` : serial, 'hex')).buffer }),
          revocationDate: new pkijs.Time({ type: 0, value: new Date(now - 30_000) }),
        }),
    );
  }
  const der = createPrivateKey(options.signingKeyPem ?? ca.keyPem).export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  await crl.sign(key as Parameters<typeof crl.sign>[0], 'SHA-256');
  return Buffer.from(crl.toSchema(true).toBER());
}

/** A local HTTP server answering GET /ca.crl with `body` (settable), counting requests; stoppable and restartable on its port. */
export class CrlServer {
  body: Buffer = Buffer.alloc(0);
  requests = 0;
  private server: http.Server | undefined;
  port = 0;

  async start(port = 0): Promise<void> {
    const server = http.createServer((request, response) => {
      this.requests++;
      if (request.url !== '/ca.crl') {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': this.body.length }).end(this.body);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/ca.crl`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
