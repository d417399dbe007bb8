// The operators' HTTPS front: mutual TLS, the SOAP endpoints, their WSDL/XSD documents, other
// routes given the caller's identity (the conformance campaign API). Built from Fastify plugins,
// each with its dependencies as options and its own scope:
//   root                  TLS server, raw body parser, one log line per request, the answers of
//                         what no plugin serves: fault 400 for a POST under /ws/ (no such service
//                         version), plain text otherwise — nothing on this port answers JSON
//                         but the conformance campaign API, JSON by design;
//   soapEndpointRoutes    one per published service version (soap-routes.ts);
//   documentRoutes        /wsdl/**, /xsd/** (documents.ts);
//   MtlsRoutes            e.g. conformanceRoutes (conformance-routes.ts);
//   benchEchoRoutes       benchmarks only.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.js';
import type { Platform } from '../../domain/identity.js';
import { WSDL_DIR, XSD_DIR } from '../paths.js';
import type { SoapEndpoint } from '../soap/endpoint.js';
import { DEFAULT_GUARD_LIMITS } from '../soap/guard.js';
import { ContractDocuments, documentRoutes } from './documents.js';
import { fixedFieldsLogger, lazyChildLoggerFactory } from '../logging/logger.js';
import type { RequestObserver, RequestPolicy } from './request-policy.js';
import {
  benchEchoRoutes,
  identifyWith,
  pathOf,
  sendFault,
  SOAP_PATH_PREFIX,
  soapEndpointRoutes,
  soapErrorHandler,
  unknownServiceFault,
  type Identify,
} from './soap-routes.js';
import { GatewayTls, type TlsMaterial } from './tls-control.js';
import { IdentityResolver, type IdentityLookup } from './tls-identity.js';

export type { TlsMaterial } from './tls-control.js';

export interface GatewayOptions {
  /** Who a client certificate is (by SHA-256 fingerprint): the operators' repository, built by the composition root. */
  findIdentity: IdentityLookup;
  clock: Clock;
  logger: Logger;
  tls: TlsMaterial;
  endpoints: SoapEndpoint[];
  platform: Platform;
  publicUrl?: string | undefined;
  maxBodyBytes?: number;
  /** Benchmarks only (bench/): `POST /bench/echo` answers the raw body back, no identity, no parsing. */
  echoRoute?: boolean;
  /** Maintenance, versions, rate limits (src/adapters/operators-front/request-policy.ts), checked by the pipeline. */
  policy?: RequestPolicy;
  /** Told of every SOAP request once answered (volumetry, metrics). */
  observer?: RequestObserver;
  /** Other routes on this mutual-TLS port, plugins given the caller's identity (e.g. src/adapters/operators-front/conformance-routes.ts). */
  routes?: MtlsRoutes[];
  /** TLS admission, trust reload, revocation and connection tracking (src/adapters/operators-front/tls-control.ts); default: built from `tls`. */
  tlsFront?: GatewayTls;
}

/**
 * Other routes on the operators' port: a Fastify plugin and its options; app.ts registers it with
 * `identify` added, which resolves the client certificate (fault 200 when unusable).
 */
export interface MtlsRoutes<O extends object = any> {
  plugin: FastifyPluginAsync<O & { identify: Identify }>;
  options: O;
}

export type { Identify } from './soap-routes.js';

/** A POST under /ws/ is a SOAP request, whatever its path: it is answered in SOAP. */
const isSoapRequest = (request: FastifyRequest): boolean => request.method === 'POST' && pathOf(request).startsWith(SOAP_PATH_PREFIX);

/** A plain-text answer (what this port says outside SOAP and the campaign API). */
function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(`${text}\n`);
}

/** Malformed HTTP, refused before any route: a plain-text status (Fastify's default is JSON). */
function plainClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body = `${STATUS_CODES[status]}\n`;
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

export async function buildGateway(options: GatewayOptions) {
  const { clock, logger, tls, endpoints, platform } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_GUARD_LIMITS.maxBytes;
  const limits = { ...DEFAULT_GUARD_LIMITS, maxBytes: maxBodyBytes };
  const identities = new IdentityResolver(options.findIdentity);
  const identify = identifyWith((socket, now) => identities.resolve(socket, now), clock);
  const documents = new ContractDocuments([
    { urlPrefix: '/wsdl', dir: WSDL_DIR, extension: '.wsdl' },
    { urlPrefix: '/xsd', dir: XSD_DIR, extension: '.xsd' },
  ]);
  const soapErrors = soapErrorHandler(maxBodyBytes);

  const app = Fastify({
    loggerInstance: logger,
    // One log line per request is written by the onResponse hook below, with the e-SAV fields.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'idRequete' }),
    // request.log (errors only, on this port) becomes pino's child on first use (logger.ts).
    childLoggerFactory: (parent, bindings, childOptions) => lazyChildLoggerFactory(parent as Logger, bindings, childOptions) as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: maxBodyBytes,
    // Fastify's own 503 while closing is JSON: requests still arriving on an open connection are
    // served (with Connection: close) while in-flight ones finish.
    return503OnClosing: false,
    clientErrorHandler: plainClientError,
    // A URL Fastify cannot route (bad percent-encoding…): SOAP fault 400 / plain text, not JSON.
    frameworkErrors: (error, request, reply) => {
      if (isSoapRequest(request)) void sendFault(request, reply, unknownServiceFault(pathOf(request), endpoints));
      else void sendText(reply, 400, `${STATUS_CODES[400]}: ${error.code}`);
    },
    https: {
      key: tls.keyPem,
      cert: tls.certPem,
      ca: tls.caPems,
      requestCert: true,
      // OpenSSL verifies the chain; enforceTlsAdmission closes what it refused (see tls-identity).
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
  });
  (options.tlsFront ?? new GatewayTls(tls, logger)).attach(app.server, identities);
  app.decorateRequest('esavOutcome', undefined);

  // SOAP bodies are read raw: the guard and libxml2 see the bytes as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // What no plugin handles: SOAP faults for POST under /ws/ (e-SAV conventions), plain text elsewhere.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isSoapRequest(request)) return soapErrors(error, request, reply);
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unexpected error');
    return sendText(reply, status, STATUS_CODES[status] ?? 'Error');
  });
  app.setNotFoundHandler((request, reply) => {
    if (isSoapRequest(request)) return sendFault(request, reply, unknownServiceFault(pathOf(request), endpoints));
    return sendText(reply, 404, 'not found');
  });

  // The per-request line has fixed fields only: written without the redaction pass (logger.ts).
  const requestLine = fixedFieldsLogger(logger);
  // Callback hooks (not async): no promise per request; a throw is handled as a rejection would be.
  app.addHook('onResponse', (request, reply, done) => {
    const outcome = request.esavOutcome;
    requestLine.info(
      {
        idRequete: request.id,
        operator: outcome?.operatorCode,
        operation: outcome?.operation,
        outcome: outcome?.outcome ?? (reply.statusCode < 400 ? 'ok' : `http:${reply.statusCode}`),
        method: request.method,
        path: pathOf(request),
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
    done();
  });

  if (options.echoRoute) await app.register(benchEchoRoutes, { maxBodyBytes });

  for (const routes of options.routes ?? []) await app.register(routes.plugin, { ...routes.options, identify });

  for (const endpoint of endpoints) {
    const wsdl = documents.get(`/wsdl/${endpoint.wsdlFile.slice(WSDL_DIR.length + 1).split('\\').join('/')}`);
    if (!wsdl) throw new Error(`WSDL ${endpoint.wsdlFile} not found under ${WSDL_DIR}`);
    await app.register(soapEndpointRoutes, {
      endpoint,
      wsdl,
      publicUrl: options.publicUrl,
      maxBodyBytes,
      pipeline: { platform, limits, ...(options.policy ? { policy: options.policy } : {}) },
      identify,
      clock,
      observer: options.observer,
    });
  }

  await app.register(documentRoutes, { documents });

  return app;
}

export type GatewayApp = Awaited<ReturnType<typeof buildGateway>>;
