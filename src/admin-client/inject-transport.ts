// The admin API in-process (the web support console inside the gateway process): requests go
// through Fastify's public inject(), hence through the same routes, schemas, bearer check, hooks,
// error handler and audit as over HTTP, without a TCP hop. Structural types: no Fastify import.
// A streamed body is handed to light-my-request as a stream: the injected request reads it chunk
// by chunk with backpressure (the route reads request.raw), so an upload is not buffered whole.
import { Readable } from 'node:stream';
import type { AdminTransport, TransportResponse } from './client.js';

/** What injectTransport needs of a Fastify instance (the admin app of buildAdminApp). */
export interface InjectableApp {
  inject(options: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload?: string | NodeJS.ReadableStream;
  }): PromiseLike<{ statusCode: number; headers: Record<string, unknown>; body: string; rawPayload: Buffer }>;
}

function headersOf(headers: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return result;
}

export function injectTransport(app: InjectableApp, token: string): AdminTransport {
  return {
    target: 'in-process',
    async send(request): Promise<TransportResponse> {
      const response = await app.inject({
        method: request.method,
        url: request.path,
        headers: { ...request.headers, authorization: `Bearer ${token}` },
        ...(request.body !== undefined ? { payload: request.body } : {}),
      });
      return {
        status: response.statusCode,
        headers: headersOf(response.headers),
        text: async () => response.body,
        stream: () => Readable.from([response.rawPayload]),
      };
    },
  };
}
