// Sends one pushed ticket event to an operator's callback endpoint (decision 0023): an HTTPS POST
// of the SOAP message, with mutual TLS — the gateway presents the provider's client certificate,
// and the callback server's certificate must chain to the subscription's own CA (PEM) or, without
// one, to the configured bundle (ESAV_PUSH_CA_FILE) or the system's CAs, and name the URL's host.
// Acknowledged = HTTP 2xx; any other status, a TLS or network error, or no answer within the
// timeout is a failed attempt (the error says which).
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { PushEvent, PushSender, PushSubscription } from '../../application/push-ports.js';
import { NOTIFICATION_SOAP_ACTION, notificationEnvelope } from './callback-message.js';

export interface CallbackSenderOptions {
  /** The provider's client certificate and key (PEM). */
  clientCertPem: string;
  clientKeyPem: string;
  /** CAs trusted for callback servers without a CA of their own; undefined: the system's. */
  defaultCaPem?: string;
  timeoutMs: number;
}

export class HttpsCallbackSender implements PushSender {
  constructor(private readonly o: CallbackSenderOptions) {}

  send(subscription: PushSubscription, event: PushEvent): Promise<void> {
    const body = Buffer.from(notificationEnvelope(event), 'utf8');
    const ca = subscription.caPem ?? this.o.defaultCaPem;
    return new Promise<void>((resolve, reject) => {
      const request = https.request(
        subscription.url,
        {
          method: 'POST',
          cert: this.o.clientCertPem,
          key: this.o.clientKeyPem,
          ...(ca ? { ca } : {}),
          minVersion: 'TLSv1.2',
          agent: false,
          timeout: this.o.timeoutMs,
          headers: {
            'content-type': 'text/xml; charset=utf-8',
            'content-length': String(body.length),
            soapaction: `"${NOTIFICATION_SOAP_ACTION}"`,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < 2048) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve();
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 200).replace(/\s+/g, ' ').trim();
            reject(new Error(`HTTP ${status}${text ? ` : ${text}` : ''}`));
          });
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`pas de réponse en ${this.o.timeoutMs} ms`)));
      request.on('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code ? `${error.code} : ${error.message}` : error.message)));
      request.end(body);
    });
  }
}

/** Problem of a CA PEM given for a subscription: undefined when it holds at least one certificate, all readable. */
export function caPemProblem(pem: string): string | undefined {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return 'aucun certificat PEM (-----BEGIN CERTIFICATE-----)';
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      return 'un certificat PEM illisible';
    }
  }
  return undefined;
}
