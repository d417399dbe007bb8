// The conformance campaign API on the operators' mutual-TLS port (JSON over HTTPS), used by the
// conformance kit (src/conformance-kit/): the client certificate is the only credential, and it is
// the same one the kit's SOAP calls use. A Fastify plugin (its own JSON body parser and error
// handler, encapsulated), registered through GatewayOptions.routes (app.ts) with `identify`.
//
//   POST /conformite/v1/campagnes                       {codeOperateur, domaines}        → 201 {idCampagne, ouverture, domaines}
//   POST /conformite/v1/campagnes/:id/resultat          {domainesReussis, resultats, rapportJunit, rapportHtml}
//                                                                                         → 200 {idExecution, reussie, domainesValides, verdicts}
//   GET  /conformite/v1/executions                      the caller's recorded runs (summary)
//
// Errors: {"erreur": "…"} with 400 (invalid body), 403 (certificate unusable, other operator or
// certificate), 404 (unknown campaign), 409 (closed, expired, production platform), 500.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isConformanceDomain } from '../../domain/conformance.js';
import { isEsavFault } from '../../domain/faults.js';
import { xmlTextProblem } from '../../domain/xml-text.js';
import type { OperatorIdentity } from '../../domain/identity.js';
import type { CampaignSubmission, ConformanceRunService, ScenarioResult } from '../../application/conformance-runs.js';
import { UseCaseError } from '../../application/errors.js';
import { httpStatusOf } from '../http-status.js';
import type { Identify, MtlsRoutes } from './app.js';

export const CAMPAIGNS_PATH = '/conformite/v1/campagnes';
export const RUNS_PATH = '/conformite/v1/executions';
/** The reports travel with the submission: larger than a SOAP message may be. */
const SUBMISSION_LIMIT_BYTES = 16 * 1024 * 1024;
const MAX_REPORT_CHARS = 8 * 1024 * 1024;

const invalid = (message: string) => new UseCaseError('invalid', `requête invalide : ${message}`);

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('corps JSON (un objet) attendu');
  return body as Record<string, unknown>;
}

function domainList(value: unknown, field: string) {
  if (!Array.isArray(value) || !value.every(isConformanceDomain)) {
    throw invalid(`${field} : liste de domaines attendue (signalisation, test, rendezvous, interop)`);
  }
  return [...new Set(value)];
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length > max) throw invalid(`${field} : texte attendu (${max} caractères au plus)`);
  // Shown again in the admin API and served as JUnit XML: XML 1.0 characters only (decision 0012).
  const problem = xmlTextProblem(value);
  if (problem) throw invalid(`${field} : ${problem}`);
  return value;
}

function readSubmission(body: unknown): CampaignSubmission {
  const o = objectBody(body);
  const resultats = o.resultats ?? [];
  if (!Array.isArray(resultats) || resultats.length > 1000) throw invalid('resultats : liste attendue');
  return {
    domainesReussis: domainList(o.domainesReussis, 'domainesReussis'),
    resultats: resultats.map((r, i): ScenarioResult => {
      const item = objectBody(r);
      const domaine = item.domaine;
      if (!isConformanceDomain(domaine)) throw invalid(`resultats[${i}].domaine : domaine inconnu`);
      return {
        scenario: text(item.scenario, `resultats[${i}].scenario`, 100),
        domaine,
        statut: text(item.statut, `resultats[${i}].statut`, 32),
        ...(item.message !== undefined ? { message: text(item.message, `resultats[${i}].message`, 2000) } : {}),
      };
    }),
    rapportJunit: text(o.rapportJunit, 'rapportJunit', MAX_REPORT_CHARS),
    rapportHtml: text(o.rapportHtml, 'rapportHtml', MAX_REPORT_CHARS),
  };
}

export interface ConformanceRoutesOptions {
  service: ConformanceRunService;
  identify: Identify;
}

/** The campaign API: its routes, its JSON body parser and its JSON errors, in their own scope. */
export const conformanceRoutesPlugin: FastifyPluginAsync<ConformanceRoutesOptions> = async (scope, { service, identify }) => {
  scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: SUBMISSION_LIMIT_BYTES }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(String(body)));
    } catch {
      done(invalid('corps JSON illisible'), undefined);
    }
  });

  scope.setErrorHandler((raw: unknown, request, reply) => {
    if (raw instanceof UseCaseError) return reply.code(httpStatusOf(raw.kind)).send({ erreur: raw.message });
    if (isEsavFault(raw)) return reply.code(403).send({ erreur: `certificat client refusé : ${raw.libelle}` });
    const error = raw as Error & { code?: string };
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ erreur: 'corps de requête trop volumineux' });
    if (error.code?.startsWith('FST_ERR_CTP')) return reply.code(415).send({ erreur: 'corps JSON attendu (application/json)' });
    request.log.error({ err: error }, 'conformance request failed');
    return reply.code(500).send({ erreur: 'erreur technique' });
  });

  const caller = (request: FastifyRequest): Promise<OperatorIdentity> => identify(request);
  const idOf = (request: FastifyRequest): number => {
    const raw = (request.params as { id?: string }).id ?? '';
    if (!/^[1-9][0-9]{0,17}$/.test(raw)) throw new UseCaseError('not-found', `campagne ${raw} inconnue`);
    return Number(raw);
  };

  scope.post(CAMPAIGNS_PATH, { bodyLimit: 64 * 1024 }, async (request: FastifyRequest, reply: FastifyReply) => {
    const identity = await caller(request);
    const o = objectBody(request.body);
    const codeOperateur = text(o.codeOperateur, 'codeOperateur', 4);
    const opened = await service.open(identity, codeOperateur, domainList(o.domaines, 'domaines'));
    return reply.code(201).send(opened);
  });

  scope.post(`${CAMPAIGNS_PATH}/:id/resultat`, { bodyLimit: SUBMISSION_LIMIT_BYTES }, async (request: FastifyRequest) => {
    const identity = await caller(request);
    return service.submit(identity, idOf(request), readSubmission(request.body));
  });

  scope.get(RUNS_PATH, async (request: FastifyRequest) => {
    const identity = await caller(request);
    const runs = await service.list(identity.operatorCode, 20);
    const passed = await service.passedDomains(identity.operatorCode);
    return {
      operateur: identity.operatorCode,
      domainesValides: [...passed].sort(),
      executions: runs.map((r) => ({
        idExecution: r.id,
        debut: r.startedAt.toISOString(),
        fin: r.finishedAt.toISOString(),
        domaines: r.domains,
        domainesValides: r.passedDomains,
        reussie: r.passed,
      })),
    };
  });
};

/** The campaign API as routes of the operators' port (GatewayOptions.routes). */
export function conformanceRoutes(service: ConformanceRunService): MtlsRoutes<{ service: ConformanceRunService }> {
  return { plugin: conformanceRoutesPlugin, options: { service } };
}
