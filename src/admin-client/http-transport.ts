// The admin API over HTTP(S) with fetch (the support CLI, scripts): bearer token, timeout.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AdminTransportError, type AdminTransport, type TransportResponse } from './client.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

function headersOf(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, key) => {
    result[key] = value;
  });
  return result;
}

/** `baseUrl` like http://127.0.0.1:8444 (no trailing slash needed); paths start with /admin/… */
export function httpTransport(baseUrl: string, token: string, options: { timeoutMs?: number } = {}): AdminTransport {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    target: base,
    async send(request): Promise<TransportResponse> {
      let response: Response;
      const streamed = request.body !== undefined && typeof request.body !== 'string';
      try {
        response = await fetch(`${base}${request.path}`, {
          method: request.method,
          headers: { ...request.headers, authorization: `Bearer ${token}` },
          // A streamed body goes out as it is read (duplex: 'half', chunked), without the timeout:
          // an upload lasts as long as the file takes to be sent and imported.
          ...(typeof request.body === 'string' ? { body: request.body } : {}),
          ...(streamed ? { body: Readable.toWeb(request.body as Readable) as ReadableStream<Uint8Array>, duplex: 'half' } : { signal: AbortSignal.timeout(timeoutMs) }),
        } as RequestInit);
      } catch (error) {
        const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        throw new AdminTransportError(`API d’administration injoignable (${base}) : ${cause}`, base);
      }
      return {
        status: response.status,
        headers: headersOf(response.headers),
        text: () => response.text(),
        stream: () => (response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([])),
      };
    },
  };
}
