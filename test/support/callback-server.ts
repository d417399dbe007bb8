// An operator's callback server for the push notification tests (issue 15, decision 0023): real
// HTTPS with mutual TLS — its own CA and server certificate (the "operator's" PKI, which the
// gateway must be told to trust), and it requires a client certificate issued by the gateway's CA.
// Every message received is parsed as SOAP 1.1 and its payload validated against the published
// callback schema (xsd/callback/notification-v1.xsd, libxml2 as the gateway uses it); a message
// that does not validate is recorded as such and answered 500. The answer is chosen by `mode`:
// 'ok' (202), 'error' (500); `stop()` takes it down (connection refused), `start()` brings it back
// on the same port.
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createCertificateAuthority, issueServerCertificate } from '../../src/adapters/pki/certificates.js';
import { CompiledSchema } from '../../src/adapters/soap/schema-registry.js';
import { parseEnvelope, toPlain, type PlainObject } from '../../src/adapters/soap/envelope.js';
import { XSD_DIR } from '../../src/adapters/paths.js';

export interface ReceivedNotification {
  idEvenement: string;
  typeEvenement: string;
  codeOperateur: string;
  referenceSignalisation: string;
  referenceInterneOC: string;
  numeroSequence: number;
  horodatage: string;
  etat: string;
  payload: PlainObject;
  /** The CN of the client certificate the gateway presented. */
  clientCn: string;
  soapAction: string | undefined;
  /** What this server answered. */
  answered: number;
}

export interface CallbackServer {
  url: string;
  /** The PEM of the CA that signed this server's certificate (register it with the subscription). */
  caPem: string;
  mode: 'ok' | 'error';
  /** Every request that reached the handler, in arrival order (accepted or not). */
  received: ReceivedNotification[];
  /** Messages that did not validate against the callback schema (must stay empty). */
  invalid: string[];
  /** The messages acknowledged (2xx), in arrival order. */
  acknowledged(): ReceivedNotification[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCallbackServer(trustedClientCaPem: string, port = 0): Promise<CallbackServer> {
  const now = Date.now();
  const validity = { notBefore: new Date(now - 3600_000), notAfter: new Date(now + 365 * 24 * 3600_000) };
  const ca = createCertificateAuthority({ commonName: 'Operateur Test Callback CA', organization: 'Operateur Test', ...validity });
  const server = issueServerCertificate(ca, { commonName: '127.0.0.1', hosts: ['127.0.0.1', 'localhost'], ...validity });
  const schema = CompiledSchema.compile(path.join(XSD_DIR, 'callback', 'notification-v1.xsd'), XSD_DIR);

  const state: CallbackServer = {
    url: '',
    caPem: ca.certPem,
    mode: 'ok',
    received: [],
    invalid: [],
    acknowledged: () => state.received.filter((r) => r.answered >= 200 && r.answered < 300),
    start,
    stop,
  };

  let httpsServer: https.Server | undefined;
  let boundPort = port;

  function handler(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const socket = request.socket as TLSSocket;
      const clientCn = String(socket.getPeerCertificate()?.subject?.CN ?? '');
      let plain: PlainObject;
      try {
        const envelope = parseEnvelope(body);
        try {
          schema.validateElement(envelope.payload);
          if (envelope.payload.namespaceUri !== 'urn:esav:notification:v1' || envelope.payload.name !== 'notificationEvenement') {
            throw new Error(`unexpected payload ${envelope.payload.namespaceUri} ${envelope.payload.name}`);
          }
          plain = toPlain(envelope.payload) as PlainObject;
        } finally {
          envelope.doc.dispose();
        }
      } catch (error) {
        state.invalid.push(`${error instanceof Error ? error.message : String(error)}: ${body.toString('utf8').slice(0, 500)}`);
        response.writeHead(500).end();
        return;
      }
      const answered = state.mode === 'ok' ? 202 : 500;
      state.received.push({
        idEvenement: plain.idEvenement as string,
        typeEvenement: plain.typeEvenement as string,
        codeOperateur: plain.codeOperateur as string,
        referenceSignalisation: plain.referenceSignalisation as string,
        referenceInterneOC: plain.referenceInterneOC as string,
        numeroSequence: Number(plain.numeroSequence),
        horodatage: plain.horodatage as string,
        etat: plain.etat as string,
        payload: plain,
        clientCn,
        soapAction: request.headers.soapaction as string | undefined,
        answered,
      });
      response.writeHead(answered, { 'content-type': 'text/plain' }).end(answered === 202 ? '' : 'erreur simulée');
    });
  }

  async function start(): Promise<void> {
    httpsServer = https.createServer(
      { key: server.keyPem, cert: server.certPem, ca: trustedClientCaPem, requestCert: true, rejectUnauthorized: true },
      handler,
    );
    await new Promise<void>((resolve, reject) => {
      httpsServer!.once('error', reject);
      httpsServer!.listen(boundPort, '127.0.0.1', () => resolve());
    });
    boundPort = (httpsServer.address() as AddressInfo).port;
    state.url = `https://127.0.0.1:${boundPort}/esav/notifications`;
  }

  async function stop(): Promise<void> {
    const s = httpsServer;
    httpsServer = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  await start();
  return state;
}
