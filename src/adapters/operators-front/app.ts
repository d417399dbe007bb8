// The operators' HTTPS front: mutual TLS, the SOAP endpoints, their WSDL/XSD documents.
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.js';
import { EsavFault } from '../../domain/faults.js';
import type { OperatorIdentity, Platform } from '../../domain/identity.js';
import { WSDL_DIR, XSD_DIR } from '../paths.js';
import type { SoapEndpoint } from '../soap/endpoint.js';
import { DEFAULT_GUARD_LIMITS } from '../soap/guard.js';
import { handleSoapRequest, type SoapResult } from '../soap/pipeline.js';
import { faultEnvelope } from '../soap/writer.js';
import type { Database } from '../postgres/db.js';
import { SqlOperatorRepository } from '../postgres/operators.js';
import { ContractDocuments } from './documents.js';
import { fixedFieldsLogger } from '../logging/logger.js';
import type { RequestObserver, RequestPolicy } from './request-policy.js';
import { GatewayTls } from './tls-control.js';
import { IdentityResolver } from './tls-identity.js';

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** The CAs whose client certificates are accepted. */
  caPems: string[];
}

export interface GatewayOptions {
  db: Database;
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
  /** Other routes on this mutual-TLS port, given the caller's identity (e.g. src/adapters/operators-front/conformance-routes.ts). */
  routes?: MtlsRoutes[];
  /** TLS admission, trust reload, revocation and connection tracking (src/adapters/operators-front/tls-control.ts); default: built from `tls`. */
  tlsFront?: GatewayTls;
}

/** Registers routes on the operators' port; `identify` resolves the client certificate (fault 200 when unusable). */
export type MtlsRoutes = (app: FastifyInstance<any, any, any, any>, identify: (request: FastifyRequest) => Promise<OperatorIdentity>) => void;

interface RequestOutcome {
  operation?: string | undefined;
  operatorCode?: string | undefined;
  certificateFingerprint?: string | undefined;
  outcome: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    esavOutcome?: RequestOutcome;
  }
}

const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

/** A fault written with the conventions of the endpoint the request was for (e-SAV by default). */
function sendFault(request: FastifyRequest, reply: FastifyReply, fault: EsavFault, endpoint?: SoapEndpoint): FastifyReply {
  request.esavOutcome = { ...request.esavOutcome, outcome: `fault:${fault.code}` };
  const xml = endpoint ? endpoint.conventions.writeFault(fault) : faultEnvelope(fault);
  return reply.code(500).header('content-type', XML_CONTENT_TYPE).header('x-id-requete', request.id).send(xml);
}

export async function buildGateway(options: GatewayOptions) {
  const { db, clock, logger, tls, endpoints, platform } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_GUARD_LIMITS.maxBytes;
  const limits = { ...DEFAULT_GUARD_LIMITS, maxBytes: maxBodyBytes };
  const operators = new SqlOperatorRepository(db);
  const identities = new IdentityResolver((fingerprint) => operators.findIdentity(fingerprint));
  const documents = new ContractDocuments([
    { urlPrefix: '/wsdl', dir: WSDL_DIR, extension: '.wsdl' },
    { urlPrefix: '/xsd', dir: XSD_DIR, extension: '.xsd' },
  ]);

  const app = Fastify({
    loggerInstance: logger,
    // One log line per request is written by the onResponse hook below, with the e-SAV fields.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'idRequete' }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: maxBodyBytes,
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

  // SOAP bodies are read raw: the guard and libxml2 see the bytes as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  if (options.echoRoute) {
    // The benchmark ceiling: same server, TLS, body parser and hooks as the SOAP routes, nothing else.
    app.post('/bench/echo', async (request, reply) => reply.header('content-type', XML_CONTENT_TYPE).send(request.body));
  }

  const endpointsByPath = new Map(endpoints.map((e) => [e.path, e]));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const endpoint = endpointsByPath.get(request.url.split('?')[0] ?? '');
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendFault(request, reply, new EsavFault(103, `Message trop volumineux (plus de ${maxBodyBytes} octets)`), endpoint);
    }
    if (error.code?.startsWith('FST_ERR_CTP')) {
      return sendFault(request, reply, new EsavFault(100, 'Corps de requête illisible : enveloppe SOAP 1.1 attendue (text/xml)'), endpoint);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendFault(request, reply, new EsavFault(500), endpoint);
  });

  // The per-request line has fixed fields only: written without the redaction pass (logger.ts).
  const requestLine = fixedFieldsLogger(logger);
  app.addHook('onResponse', async (request, reply) => {
    const outcome = request.esavOutcome;
    requestLine.info(
      {
        idRequete: request.id,
        operator: outcome?.operatorCode,
        operation: outcome?.operation,
        outcome: outcome?.outcome ?? (reply.statusCode < 400 ? 'ok' : `http:${reply.statusCode}`),
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
    const endpoint = outcome && request.method === 'POST' ? endpointsByPath.get(request.url.split('?')[0] ?? '') : undefined;
    if (endpoint && outcome) {
      options.observer?.served({
        endpoint,
        operation: outcome.operation,
        operatorCode: outcome.operatorCode,
        outcome: outcome.outcome.replace(/^fault:/, ''),
        durationSeconds: reply.elapsedTime / 1000,
        at: clock.now(),
        certificateFingerprint: outcome.certificateFingerprint,
        requestId: request.id,
      });
    }
  });

  for (const register of options.routes ?? []) {
    register(app, (request) => identities.resolve(request.raw.socket as TLSSocket, clock.now()));
  }

  for (const endpoint of endpoints) {
    const wsdl = documents.get(`/wsdl/${endpoint.wsdlFile.slice(WSDL_DIR.length + 1).split('\\').join('/')}`);
    if (!wsdl) throw new Error(`WSDL ${endpoint.wsdlFile} not found under ${WSDL_DIR}`);

    app.get(endpoint.path, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      if (!('wsdl' in query) && !('WSDL' in query)) {
        return reply.code(404).type('text/plain; charset=utf-8').send(`POST SOAP 1.1 requests here; WSDL at ${endpoint.path}?wsdl\n`);
      }
      const base = options.publicUrl ?? `https://${request.headers.host ?? 'localhost'}`;
      return reply.type(XML_CONTENT_TYPE).send(ContractDocuments.withAddress(wsdl, `${base}${endpoint.path}`));
    });

    app.post(endpoint.path, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const soapAction = request.headers.soapaction;
      let certificateFingerprint: string | undefined;
      const result: SoapResult = await handleSoapRequest(
        endpoint,
        {
          body,
          contentType: request.headers['content-type'],
          soapAction: Array.isArray(soapAction) ? soapAction[0] : soapAction,
          requestId: request.id,
          resolveIdentity: async () => {
            const identity = await identities.resolve(request.raw.socket as TLSSocket, clock.now());
            certificateFingerprint = identity.certificateFingerprint;
            return identity;
          },
          now: () => clock.now(),
        },
        { platform, limits, ...(options.policy ? { policy: options.policy } : {}) },
      );
      if (result.internalError) {
        request.log.error({ err: result.internalError, operation: result.operation }, 'operation failed');
      }
      request.esavOutcome = {
        operation: result.operation,
        operatorCode: result.operatorCode,
        certificateFingerprint,
        outcome: result.fault ? `fault:${result.fault.code}` : 'ok',
      };
      return reply.code(result.httpStatus).header('content-type', XML_CONTENT_TYPE).header('x-id-requete', request.id).send(result.xml);
    });
  }

  app.get('/wsdl/*', async (request, reply) => serveDocument(documents, request, reply));
  app.get('/xsd/*', async (request, reply) => serveDocument(documents, request, reply));

  return app;
}

function serveDocument(documents: ContractDocuments, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const document = documents.get(request.url.split('?')[0] ?? '');
  if (document === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
  return reply.type(XML_CONTENT_TYPE).send(document);
}

export type GatewayApp = Awaited<ReturnType<typeof buildGateway>>;
