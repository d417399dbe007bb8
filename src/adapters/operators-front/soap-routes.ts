// The SOAP side of the operators' front, as Fastify plugins registered by app.ts:
//   soapEndpointRoutes   one published service version: GET <path>?wsdl, POST <path> (the
//                        pipeline), its own error handler (faults in its contract's conventions)
//                        and its observers (volumetry, metrics, conformance evidence);
//   benchEchoRoutes      the benchmarks' ceiling (bench/), never in production.
// And what answers a POST under /ws/ that names no published service version: fault 400 listing
// the live versions (e-SAV erreurESAV), like a retired version does.
import type { TLSSocket } from 'node:tls';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import { EsavFault } from '../../domain/faults.js';
import type { OperatorIdentity } from '../../domain/identity.js';
import { describeLiveVersions } from '../contracts/esav-conventions.js';
import type { ContractConventions, SoapEndpoint } from '../soap/endpoint.js';
import { handleSoapRequest, type PipelineOptions, type SoapResult } from '../soap/pipeline.js';
import { faultEnvelope } from '../soap/writer.js';
import { ContractDocuments } from './documents.js';
import type { RequestObserver } from './request-policy.js';

export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';
/** Where the SOAP services are published: a POST there is always answered in SOAP. */
export const SOAP_PATH_PREFIX = '/ws/';

/** Resolves the caller of a request on the operators' port from its client certificate (fault 200 when unusable). */
export type Identify = (request: FastifyRequest) => Promise<OperatorIdentity>;

export interface RequestOutcome {
  operation?: string | undefined;
  operatorCode?: string | undefined;
  certificateFingerprint?: string | undefined;
  outcome: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request came to (operation, operator, 'ok' or 'fault:<code>'), for the request log line and the observers. */
    esavOutcome?: RequestOutcome;
  }
}

export const pathOf = (request: FastifyRequest): string => {
  const query = request.url.indexOf('?');
  return query < 0 ? request.url : request.url.slice(0, query);
};

/** A fault written with `writeFault` (a contract's conventions; e-SAV erreurESAV by default), HTTP 500. */
export function sendFault(request: FastifyRequest, reply: FastifyReply, fault: EsavFault, writeFault: (fault: EsavFault) => string = faultEnvelope): FastifyReply {
  request.esavOutcome = { ...request.esavOutcome, outcome: `fault:${fault.code}` };
  return reply.code(500).header('content-type', XML_CONTENT_TYPE).header('x-id-requete', request.id).send(writeFault(fault));
}

/**
 * Errors Fastify raises around a SOAP route (body over the limit, unreadable body, anything
 * unexpected) as faults 103 / 100 / 500 in the given conventions.
 */
export function soapErrorHandler(maxBodyBytes: number, conventions?: ContractConventions) {
  const writeFault = conventions ? (fault: EsavFault) => conventions.writeFault(fault) : faultEnvelope;
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendFault(request, reply, new EsavFault(103, `Message trop volumineux (plus de ${maxBodyBytes} octets)`), writeFault);
    }
    if (error.code?.startsWith('FST_ERR_CTP')) {
      return sendFault(request, reply, new EsavFault(100, 'Corps de requête illisible : enveloppe SOAP 1.1 attendue (text/xml)'), writeFault);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendFault(request, reply, new EsavFault(500), writeFault);
  };
}

/** The live versions of each published service, now (the version registry's, else each endpoint's own). */
function liveServices(endpoints: readonly SoapEndpoint[]): Map<string, Array<{ version: string; path: string }>> {
  const services = new Map<string, Array<{ version: string; path: string }>>();
  for (const endpoint of endpoints) {
    const known = services.get(endpoint.serviceName) ?? [];
    const live = endpoint.liveVersions?.() ?? [{ version: endpoint.version, path: endpoint.path }];
    for (const v of live) if (!known.some((k) => k.path === v.path)) known.push(v);
    services.set(endpoint.serviceName, known);
  }
  return services;
}

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('/') + 1).toLowerCase();

/**
 * Fault 400 for a POST under /ws/ that names no published service version, e.g.
 * /ws/v3/signalisation: the live versions of the service the path names (its last segment), or of
 * every service when it names none.
 */
export function unknownServiceFault(path: string, endpoints: readonly SoapEndpoint[]): EsavFault {
  const services = liveServices(endpoints);
  const named = endpoints.find((e) => lastSegment(e.path) === lastSegment(path))?.serviceName;
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  const listed = named
    ? `${named} ${describeLiveVersions(services.get(named) ?? [])}`
    : [...services].map(([service, live]) => `${service} ${describeLiveVersions(live)}`).join(' ; ');
  return new EsavFault(400, `Aucun service publié à l'adresse ${shown} : ${listed}`);
}

export interface SoapEndpointRoutesOptions {
  endpoint: SoapEndpoint;
  /** The endpoint's WSDL as served (its soap:address is set per request). */
  wsdl: string;
  publicUrl?: string | undefined;
  maxBodyBytes: number;
  pipeline: PipelineOptions;
  identify: Identify;
  clock: Clock;
  /** Told of every POST once answered (volumetry, metrics, conformance evidence). */
  observer?: RequestObserver | undefined;
}

/** One published service version: its WSDL, its SOAP route, its faults, its observers. */
export const soapEndpointRoutes: FastifyPluginAsync<SoapEndpointRoutesOptions> = async (scope, options) => {
  const { endpoint, wsdl, identify, clock, observer } = options;
  // Faults Fastify raises on this route are written in this contract's conventions.
  scope.setErrorHandler(soapErrorHandler(options.maxBodyBytes, endpoint.conventions));

  if (observer) {
    // A callback hook (not async): no promise per request (app.ts).
    scope.addHook('onResponse', (request, reply, done) => {
      const outcome = request.esavOutcome;
      if (outcome && request.method === 'POST') {
        observer.served({
          endpoint,
          operation: outcome.operation,
          operatorCode: outcome.operatorCode,
          outcome: outcome.outcome.startsWith('fault:') ? outcome.outcome.slice(6) : outcome.outcome,
          durationSeconds: reply.elapsedTime / 1000,
          at: clock.now(),
          certificateFingerprint: outcome.certificateFingerprint,
          requestId: request.id,
        });
      }
      done();
    });
  }

  scope.get(endpoint.path, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    if (!('wsdl' in query) && !('WSDL' in query)) {
      return reply.code(404).type('text/plain; charset=utf-8').send(`POST SOAP 1.1 requests here; WSDL at ${endpoint.path}?wsdl\n`);
    }
    const base = options.publicUrl ?? `https://${request.headers.host ?? 'localhost'}`;
    return reply.type(XML_CONTENT_TYPE).send(ContractDocuments.withAddress(wsdl, `${base}${endpoint.path}`));
  });

  scope.post(endpoint.path, async (request, reply) => {
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
          const identity = await identify(request);
          certificateFingerprint = identity.certificateFingerprint;
          return identity;
        },
        now: () => clock.now(),
      },
      options.pipeline,
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
};

/** Benchmarks only (bench/): `POST /bench/echo` answers the raw body back, no identity, no parsing. */
export const benchEchoRoutes: FastifyPluginAsync<{ maxBodyBytes: number }> = async (scope, { maxBodyBytes }) => {
  scope.setErrorHandler(soapErrorHandler(maxBodyBytes));
  // The benchmark ceiling: same server, TLS, body parser and hooks as the SOAP routes, nothing else.
  scope.post('/bench/echo', async (request, reply) => reply.header('content-type', XML_CONTENT_TYPE).send(request.body));
};

/** The caller's identity on a TLS connection (cached per connection by the resolver). */
export function identifyWith(resolve: (socket: TLSSocket, now: Date) => Promise<OperatorIdentity>, clock: Clock): Identify {
  return (request) => resolve(request.raw.socket as TLSSocket, clock.now());
}
