// Line tests (issue 13, point 5): give the identifier of one of the operator's prestations of an
// activated offer, see the tests open for it (listerTestsDisponibles), ask one (demanderTest), then
// follow it to its verdict (consulterResultatTest). The prestation is a text field, never a list of
// the operator's prestations (3 M for one operator at national volumes, issue 16 point 4): with
// JavaScript, htmx fills its <datalist> with at most SUGGESTION_LIMIT identifiers starting with what
// was typed (GET /tests/suggestions, one bounded index range per offer). Without JavaScript the test's page has an "Actualiser" link;
// with it, views/static/suivi-test.js listens to /tests/:id/flux, server-sent events carrying the
// test's state (rendered here, escaped) until it is finished. Another operator's prestation or test
// is the same 404 as an unknown one (faults 300 and 331 of the use cases).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { LineTest } from '../../application/line-test-ports.js';
import { SUGGESTION_LIMIT, type AvailableTests } from '../../application/line-tests.js';
import { EsavFault } from '../../domain/faults.js';
import { isTypeTest, TEST_DESCRIPTIONS } from '../../domain/line-tests.js';
import { formErrorOf, refusedUnlessGranted, type FormError, type FieldServiceDeps } from './field-service-common.js';
import { parisShort } from './paris-time.js';
import { grants, requireSignedIn, sendMessage, sendPage, sessionOf } from './render.js';
import { underServiceRules } from './service-rules.js';

const TEST_INPUTS = ['identifiantPrestation', 'typeTest', 'referenceSignalisation'] as const;

/** How often the event stream reads the test's state, and for how long at most it follows it. */
export const STREAM_POLL_MS = 500;
export const STREAM_MAX_MS = 5 * 60 * 1000;

const STATUTS: Record<string, string> = {
  EN_ATTENTE: 'En attente',
  EN_COURS: 'En cours',
  TERMINE: 'Terminé',
  ECHEC: 'Échec (le test n’a pas pu aboutir)',
};
const VERDICTS: Record<string, string> = { OK: 'OK : la ligne fonctionne', KO: 'KO : défaut constaté', INDETERMINE: 'Indéterminé' };
const LOCALISATIONS: Record<string, string> = {
  RESEAU_FOURNISSEUR: 'Réseau du fournisseur',
  INSTALLATION_CLIENT: 'Installation du client',
  INDETERMINEE: 'Indéterminée',
};

const finished = (t: LineTest) => t.statut === 'TERMINE' || t.statut === 'ECHEC';

/** What the state fragment (views/test-etat.eta) shows of a test. */
export function testStateView(t: LineTest) {
  return {
    idDemandeTest: t.reference,
    statutCode: t.statut,
    statut: STATUTS[t.statut] ?? t.statut,
    fini: finished(t),
    verdictCode: t.verdict,
    verdict: t.verdict ? (VERDICTS[t.verdict] ?? t.verdict) : null,
    localisation: t.localisation ? (LOCALISATIONS[t.localisation] ?? t.localisation) : null,
    mesures: t.mesures.map((m) => ({ nom: m.nom, valeur: m.valeur, unite: m.unite ?? '' })),
    motifEchec: t.motifEchec,
    dateDemande: parisShort(t.requestedAt),
    dateDebut: t.startedAt ? parisShort(t.startedAt) : null,
    dateFin: t.completedAt ? parisShort(t.completedAt) : null,
  };
}

export const lineTestRoutes: FastifyPluginAsync<FieldServiceDeps> = async (app, deps) => {
  const { rules } = deps;
  const tests = deps.useCases.lineTests;
  app.addHook('preHandler', requireSignedIn);
  // A graceful stop ends the open event streams (the browser's link still leads to the page).
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
  });

  /**
   * The page: the prestation's field (holding `typed`) and, when `chosen` is given, the tests open
   * for it. Nothing on it grows with the operator's prestations.
   */
  async function showChoice(
    request: FastifyRequest,
    reply: FastifyReply,
    chosen: string | undefined,
    extra: { error?: FormError; status?: number; typed?: string; typeTest?: string; referenceSignalisation?: string } = {},
  ): Promise<FastifyReply> {
    const { operatorCode } = sessionOf(request).user;
    let available: AvailableTests | undefined;
    let error = extra.error;
    let status = extra.status ?? 200;
    if (chosen !== undefined && chosen !== '' && error === undefined) {
      try {
        available = await underServiceRules(rules, operatorCode, 'listerTestsDisponibles', () => tests.available({ operatorCode }, chosen));
      } catch (caught) {
        error = formErrorOf(caught, TEST_INPUTS);
        if (!error) throw caught;
        // Unknown and another operator's prestation: the same answer, "not found".
        status = caught instanceof EsavFault && caught.code === 300 ? 404 : 422;
      }
    } else if (error && chosen) {
      available = await tests.available({ operatorCode }, chosen).catch(() => undefined);
    }
    return sendPage(request, reply, 'tests', {
      title: 'Tests de ligne',
      current: '/tests',
      status,
      typed: extra.typed ?? chosen ?? '',
      available,
      error,
      typeTest: extra.typeTest,
      referenceSignalisation: extra.referenceSignalisation ?? '',
      mayAsk: grants(sessionOf(request), 'demanderTest'),
    });
  }

  app.get<{ Querystring: { identifiantPrestation?: string } }>('/tests', async (request, reply) => {
    if (await refusedUnlessGranted(request, reply, 'listerTestsDisponibles')) return reply;
    const chosen = typeof request.query.identifiantPrestation === 'string' ? request.query.identifiantPrestation.trim() : undefined;
    if (chosen === '') {
      // The form sent without an identifier (a browser that ignores `required`): say so on the field.
      const error = formErrorOf(new EsavFault(101, 'Saisissez l’identifiant d’une prestation', { champ: 'identifiantPrestation' }), TEST_INPUTS);
      return showChoice(request, reply, undefined, { error, status: 422 });
    }
    return showChoice(request, reply, chosen);
  });

  // What htmx puts in the field's <datalist> while the agent types: <option>s, at most
  // SUGGESTION_LIMIT, and the count for the polite live region (out of band). The operator's own
  // prestations only, as every read here. Not a web-service operation: no volumetry nor rate limit
  // of the operator's calls (a bounded index read, after the typing pauses).
  app.get<{ Querystring: { identifiantPrestation?: string } }>('/tests/suggestions', async (request, reply) => {
    if (await refusedUnlessGranted(request, reply, 'listerTestsDisponibles')) return reply;
    const { operatorCode } = sessionOf(request).user;
    const prefix = typeof request.query.identifiantPrestation === 'string' ? request.query.identifiantPrestation.trim() : '';
    const suggestions = await tests.suggestTestablePrestations({ operatorCode }, prefix);
    const html = await reply.viewAsync('partials/suggestions-prestation', { suggestions, prefix, limit: SUGGESTION_LIMIT });
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  });

  app.post<{ Body: Record<string, string> }>('/tests', async (request, reply) => {
    if (await refusedUnlessGranted(request, reply, 'demanderTest')) return reply;
    const { operatorCode } = sessionOf(request).user;
    const body = request.body ?? {};
    const identifiantPrestation = typeof body.identifiantPrestation === 'string' ? body.identifiantPrestation.trim() : '';
    const typeTest = typeof body.typeTest === 'string' ? body.typeTest : '';
    const referenceSignalisation = typeof body.referenceSignalisation === 'string' ? body.referenceSignalisation.trim() : '';
    let idDemandeTest: string;
    try {
      const ack = await underServiceRules(rules, operatorCode, 'demanderTest', async () => {
        if (identifiantPrestation === '') throw new EsavFault(101, 'Choisissez une prestation', { champ: 'identifiantPrestation' });
        if (!isTypeTest(typeTest)) throw new EsavFault(101, 'Choisissez un test de la liste', { champ: 'typeTest' });
        return tests.request(
          { operatorCode },
          { identifiantPrestation, typeTest, ...(referenceSignalisation !== '' ? { referenceSignalisation } : {}) },
        );
      });
      idDemandeTest = ack.idDemandeTest;
    } catch (caught) {
      const error = formErrorOf(caught, TEST_INPUTS);
      if (!error) throw caught;
      const notFound = caught instanceof EsavFault && caught.code === 300;
      return showChoice(request, reply, notFound ? undefined : identifiantPrestation, {
        error,
        status: notFound ? 404 : 422,
        typed: identifiantPrestation,
        typeTest,
        referenceSignalisation,
      });
    }
    return reply.redirect(`/tests/${encodeURIComponent(idDemandeTest)}`, 303);
  });

  /** The caller's test, or the 404 page (unknown and another operator's alike). */
  async function testOf(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<LineTest | undefined> {
    const { operatorCode } = sessionOf(request).user;
    try {
      return await underServiceRules(rules, operatorCode, 'consulterResultatTest', () => tests.result({ operatorCode }, request.params.id));
    } catch (caught) {
      if (caught instanceof EsavFault && caught.code === 331) {
        await sendMessage(request, reply, 404, 'Test inconnu', caught.libelle);
        return undefined;
      }
      throw caught;
    }
  }

  app.get<{ Params: { id: string } }>('/tests/:id', async (request, reply) => {
    if (await refusedUnlessGranted(request, reply, 'consulterResultatTest')) return reply;
    const test = await testOf(request, reply);
    if (!test) return reply;
    return sendPage(request, reply, 'test-suivi', {
      title: `Test ${test.reference}`,
      current: '/tests',
      test: testStateView(test),
      prestation: test.prestationId,
      typeTest: TEST_DESCRIPTIONS[test.typeTest].libelle,
      typeTestCode: test.typeTest,
      referenceSignalisation: test.signalisationReference,
    });
  });

  // Server-sent events: the state fragment each time it changes, until the test is finished (then
  // the event "fin" and the end of the stream). One consulterResultatTest for the rules (maintenance,
  // rate limit, volumetry) when the stream opens; then reads of the same use case.
  app.get<{ Params: { id: string } }>('/tests/:id/flux', async (request, reply) => {
    if (await refusedUnlessGranted(request, reply, 'consulterResultatTest')) return reply;
    const first = await testOf(request, reply);
    if (!first) return reply;
    const { operatorCode } = sessionOf(request).user;
    reply.hijack();
    const headers: Record<string, string | number | string[]> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value as string | number | string[];
    reply.raw.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    request.raw.on('close', () => {
      closed = true;
    });
    const send = async (test: LineTest) => {
      const html = await app.view('test-etat', { test: testStateView(test) });
      const data = JSON.stringify({ statut: test.statut, fini: finished(test), html });
      reply.raw.write(`event: ${finished(test) ? 'fin' : 'etat'}\ndata: ${data}\n\n`);
    };
    const started = Date.now();
    let last = '';
    let current: LineTest = first;
    try {
      for (;;) {
        const signature = `${current.statut}|${current.verdict ?? ''}|${current.startedAt?.getTime() ?? ''}`;
        if (signature !== last) {
          last = signature;
          await send(current);
        }
        if (finished(current) || closed || stopping || Date.now() - started > STREAM_MAX_MS) break;
        await new Promise((resolve) => setTimeout(resolve, STREAM_POLL_MS));
        if (closed || stopping) break;
        current = await tests.result({ operatorCode }, current.reference);
      }
    } catch (error) {
      request.log.warn({ err: error }, 'line-test event stream stopped');
    } finally {
      reply.raw.end();
    }
    return reply;
  });
};
