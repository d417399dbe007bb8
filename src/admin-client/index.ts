// The admin API client (decision 0020): AdminClient over an HTTP or an in-process transport.
export { AdminApiError, AdminClient, AdminTransportError, isStreamBody, operationPath, queryString } from './client.js';
export { ADMIN_OPERATIONS, type AdminOperation, type AdminOperationId } from './operations.js';
export type { AdminStream, CallArgs, StreamBody, AdminTransport, Query, QueryValue, RequestOptions, TransportRequest, TransportResponse } from './client.js';
export { DEFAULT_TIMEOUT_MS, httpTransport } from './http-transport.js';
export { injectTransport, type InjectableApp } from './inject-transport.js';
