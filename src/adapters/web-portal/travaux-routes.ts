// Planned works and incidents affecting the operator (issue 13, point 5): consulterTravauxIncidents
// over a period (any of the operator's prestations) or for one prestation, with cheap filters on
// the answer (nature, open ones only). Another operator's prestation is the same "unknown" (300).
import type { FastifyPluginAsync } from 'fastify';
import type { TravauxImpact } from '../../application/line-test-ports.js';
import type { TravauxIncidents, TravauxQuery } from '../../application/travaux.js';
import { EsavFault } from '../../domain/faults.js';
import { isClosedTravaux } from '../../domain/travaux.js';
import { formErrorOf, refusedUnlessGranted, type FormError, type FieldServiceDeps } from './field-service-common.js';
import { parisInputValue, parisShort, parseParisInput } from './paris-time.js';
import { requireSignedIn, sendPage, sessionOf } from './render.js';
import { underServiceRules } from './service-rules.js';

const DAY_MS = 24 * 3600 * 1000;
const INPUTS = ['identifiantPrestation', 'periode.debut', 'periode.fin', 'periode'] as const;

const ETATS: Record<string, string> = {
  NOUVEAU: 'Nouveau',
  MAJ: 'Mis à jour',
  REPLANIFICATION: 'Replanifié',
  CLOTURE: 'Clôturé',
  ANNULE: 'Annulé',
};

interface Query {
  debut?: string;
  fin?: string;
  identifiantPrestation?: string;
  nature?: string;
  ouverts?: string;
}

const view = (i: TravauxImpact) => ({
  reference: i.travaux.reference,
  libelle: i.travaux.libelle,
  equipement: i.travaux.equipement,
  etat: ETATS[i.travaux.etat] ?? i.travaux.etat,
  debut: parisShort(i.travaux.dateDebut),
  fin: i.travaux.dateFin ? parisShort(i.travaux.dateFin) : '—',
  interventionRequiseOC: i.travaux.interventionRequiseOC,
  commentaire: i.travaux.commentaire ?? '',
  prestations: i.prestations,
});

export const travauxRoutes: FastifyPluginAsync<FieldServiceDeps> = async (app, deps) => {
  const { rules } = deps;
  app.addHook('preHandler', requireSignedIn);

  app.get<{ Querystring: Query }>('/travaux', async (request, reply) => {
    if (await refusedUnlessGranted(request, reply, 'consulterTravauxIncidents')) return reply;
    const { operatorCode } = sessionOf(request).user;
    const now = rules.clock.now();
    const q = request.query;
    const filters = {
      debut: q.debut ?? parisInputValue(new Date(now.getTime() - 30 * DAY_MS)).slice(0, 10),
      fin: q.fin ?? parisInputValue(new Date(now.getTime() + 90 * DAY_MS)).slice(0, 10),
      identifiantPrestation: (q.identifiantPrestation ?? '').trim(),
      nature: q.nature === 'TRAVAUX_PROGRAMMES' || q.nature === 'INCIDENT' ? q.nature : '',
      ouverts: q.ouverts === '1',
    };
    let error: FormError | undefined;
    let status = 200;
    let query: TravauxQuery | undefined;
    if (filters.identifiantPrestation !== '') {
      query = { identifiantPrestation: filters.identifiantPrestation };
    } else {
      const debut = parseParisInput(filters.debut);
      // The end date is included: until the start of the next day.
      const finJour = parseParisInput(filters.fin);
      if (!debut) error = { code: 101, texte: 'Date de début attendue (JJ/MM/AAAA)', champ: 'periode.debut' };
      else if (!finJour) error = { code: 101, texte: 'Date de fin attendue (JJ/MM/AAAA)', champ: 'periode.fin' };
      else query = { periode: { debut, fin: new Date(finJour.getTime() + DAY_MS - 1) } };
    }
    let found: TravauxIncidents | undefined;
    if (query) {
      const asked = query;
      try {
        found = await underServiceRules(rules, operatorCode, 'consulterTravauxIncidents', () => deps.useCases.travaux.consult({ operatorCode }, asked));
      } catch (caught) {
        error = formErrorOf(caught, INPUTS);
        if (!error) throw caught;
        if (error.champ === 'periode') error = { ...error, champ: 'periode.debut' };
        // Unknown and another operator's prestation alike.
        status = caught instanceof EsavFault && caught.code === 300 ? 404 : 422;
      }
    } else {
      status = 422;
    }
    const keep = (list: TravauxImpact[]) => list.filter((i) => !filters.ouverts || !isClosedTravaux(i.travaux.etat)).map(view);
    return sendPage(request, reply, 'travaux', {
      title: 'Travaux et incidents',
      current: '/travaux',
      status,
      filters,
      error,
      travaux: found && filters.nature !== 'INCIDENT' ? keep(found.travauxProgrammes) : undefined,
      incidents: found && filters.nature !== 'TRAVAUX_PROGRAMMES' ? keep(found.incidents) : undefined,
    });
  });
};
