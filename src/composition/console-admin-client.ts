// The support console's client of the admin API (decision 0021): the gateway's own admin listener
// over loopback HTTP with its bearer token, hence the same routes, schemas, bearer check, hooks,
// error handler and audit as the support CLI. Not Fastify's inject(): it loads light-my-request,
// which require()s the ESM-only `cookie` 2 — fine on Node ≥ 20.19, not under Jest's module runtime
// before Node 24.9 (every in-process test of the console would fail). Same shape as the shared
// AdminClient (src/admin-client/, decision 0020), which replaces this file once merged:
// `new AdminClient(httpTransport(adminUrl, token))`.
import type { ConsoleApi, Query } from '../adapters/web-portal/console/api.js';

const TIMEOUT_MS = 30_000;

/** A non-2xx answer of the admin API: its status and `erreur` text. */
export class ConsoleApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(key, String(one));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** `baseUrl`: http://127.0.0.1:port of the admin API. */
export function httpAdminClient(baseUrl: string, token: string): ConsoleApi {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async request<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
      const response = await fetch(`${base}${path}${queryString(options.query)}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (response.ok) return json as T;
      const erreur = (json as { erreur?: unknown } | undefined)?.erreur;
      throw new ConsoleApiError(response.status, typeof erreur === 'string' ? erreur : `API d’administration : statut ${response.status}`);
    },
  };
}
