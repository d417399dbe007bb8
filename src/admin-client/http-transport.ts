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
      try {
        response = await fetch(`${base}${request.path}`, {
          method: request.method,
          headers: { ...request.headers, authorization: `Bearer ${token}` },
          ...(request.body !== undefined ? { body: request.body } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
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
