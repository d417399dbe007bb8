// The one client of the admin API (src/adapters/admin-api): the support CLI calls it over HTTP
// (httpTransport), the web support console in the gateway process calls it in-process through
// Fastify's inject() (injectTransport), so both go through the very same routes, schemas, bearer
// check, hooks and audit. Dependency-free: node built-ins and its own files only (decision 0020).
import { Readable } from 'node:stream';
import { ADMIN_OPERATIONS, type AdminOperationId } from './operations.js';

/** A non-2xx answer of the admin API: its HTTP status and its `erreur` text. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The admin API could not be reached or did not answer in time (no HTTP status at all). */
export class AdminTransportError extends Error {
  override readonly name = 'AdminTransportError';
  constructor(
    message: string,
    readonly baseUrl: string,
  ) {
    super(message);
  }
}

/** One HTTP request as a transport sends it: the path already carries its query string. */
export interface TransportRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** JSON text, or a stream sent as it is read (never buffered whole: file uploads). */
  body?: string | Readable;
}

/** One HTTP answer as a transport gives it back: read it once, as text or as a stream. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  text(): Promise<string>;
  stream(): Readable;
}

/** How requests reach the admin API (httpTransport, injectTransport). */
export interface AdminTransport {
  /** Where the API is, for messages ("API d’administration injoignable (…)"). */
  readonly target: string;
  send(request: TransportRequest): Promise<TransportResponse>;
}

/** A query value: repeated keys for arrays (`etat=A&etat=B`); undefined values are left out. */
export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;
export type Query = Record<string, QueryValue>;

/** A request body sent as a stream (a Node Readable or any async iterable of bytes/strings). */
export type StreamBody = Readable | AsyncIterable<Uint8Array | string>;

/** Whether a body is to be streamed rather than sent as JSON. */
export function isStreamBody(body: unknown): body is StreamBody {
  return (
    body instanceof Readable ||
    (typeof body === 'object' && body !== null && !Array.isArray(body) && typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function')
  );
}

export interface RequestOptions {
  query?: Query;
  /**
   * Sent as JSON (content-type: application/json), or, when it is a Readable or an async iterable,
   * streamed as it is read with `contentType` (default application/octet-stream): a file upload is
   * never held whole in memory (decision 0020).
   */
  body?: unknown;
  /** The content type of a streamed body (text/csv, application/x-ndjson…). */
  contentType?: string;
  /** true: the answer is not parsed but handed back as a stream (exports, CSV…). */
  stream?: boolean;
}

/** The parts of a call by operationId: path parameters by name, query, JSON body. */
export interface CallArgs extends RequestOptions {
  params?: Record<string, string | number>;
}

/** The path of an operation with its `{name}` parameters filled in (URL-encoded). */
export function operationPath(operationId: AdminOperationId, params: Record<string, string | number> = {}): string {
  const operation = ADMIN_OPERATIONS[operationId];
  if (!operation) throw new Error(`opération ${String(operationId)} inconnue de l’API d’administration`);
  return operation.path.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operationId} : paramètre de chemin ${name} manquant`);
    return encodeURIComponent(String(value));
  });
}

/** A 2xx answer handed back unparsed (`stream: true`). */
export interface AdminStream {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: Readable;
}

/** `?a=1&b=x&b=y` from a query object (empty string when nothing is set). */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(key, String(one));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class AdminClient {
  constructor(readonly transport: AdminTransport) {}

  /** Calls an operation by its operationId (method and path from src/admin-client/operations.ts, generated from the OpenAPI description). */
  call(operationId: AdminOperationId, args: CallArgs & { stream: true }): Promise<AdminStream>;
  call<T>(operationId: AdminOperationId, args?: CallArgs): Promise<T>;
  call<T>(operationId: AdminOperationId, { params, ...options }: CallArgs = {}): Promise<T | AdminStream> {
    return this.request<T>(ADMIN_OPERATIONS[operationId].method, operationPath(operationId, params), options);
  }

  /** Calls `method path`; resolves to the parsed JSON of a 2xx answer, throws AdminApiError otherwise. */
  request(method: string, path: string, options: RequestOptions & { stream: true }): Promise<AdminStream>;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T | AdminStream> {
    const headers: Record<string, string> = { accept: options.stream ? '*/*' : 'application/json' };
    let body: string | Readable | undefined;
    if (isStreamBody(options.body)) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = options.body instanceof Readable ? options.body : Readable.from(options.body, { objectMode: false });
    } else if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await this.transport.send({ method: method.toUpperCase(), path: `${path}${queryString(options.query)}`, headers, ...(body !== undefined ? { body } : {}) });
    const ok = response.status >= 200 && response.status < 300;
    if (ok && options.stream) {
      return { status: response.status, contentType: response.headers['content-type'] ?? '', headers: response.headers, body: response.stream() };
    }
    const json = parseJson(await response.text());
    if (!ok) {
      const erreur = (json as { erreur?: unknown } | undefined)?.erreur;
      throw new AdminApiError(response.status, typeof erreur === 'string' ? erreur : `HTTP ${response.status}`);
    }
    return json as T;
  }
}
