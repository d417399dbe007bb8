// The admin API client (decision 0020): AdminClient over an HTTP or an in-process transport.
export { AdminApiError, AdminClient, AdminTransportError, queryString } from './client.js';
export type { AdminStream, AdminTransport, Query, QueryValue, RequestOptions, TransportRequest, TransportResponse } from './client.js';
export { DEFAULT_TIMEOUT_MS, httpTransport } from './http-transport.js';
export { injectTransport, type InjectableApp } from './inject-transport.js';
