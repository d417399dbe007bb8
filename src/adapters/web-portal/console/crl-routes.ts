// The console's page of the CRL sources of recognised CAs (/console/lcr, decision 0019): each
// source's state, last success, last error, next CRL update and next try, the certificates that
// depend on it; and "fetch now" (audited with the staff member as agent). Calls the admin API only.
import type { FastifyPluginAsync } from 'fastify';
import { agentOf, answered, orRefusal, sendConsolePage, supportSessionOf, type ConsolePageDeps } from './common.js';
import { parisDateTime } from '../paris-time.js';

/** What the page reads of GET /admin/crl (listCrlSources). */
interface CrlOverviewJson {
  politique: string;
  rafraichissementSecondes: number;
  sources: Array<{
    url: string;
    etat: string;
    emetteur: string | null;
    dernierSucces: string | null;
    prochaineMiseAJour: string | null;
    prochaineTentative: string | null;
    seriesRevoquees: number;
    derniereErreur: string | null;
    derniereErreurLe: string | null;
    certificats: Array<{ empreinte: string; operateur: string; etat: string }>;
  }>;
}

/** …and of POST /admin/crl/rafraichissement (refreshCrlSources). */
interface CrlRefreshJson extends CrlOverviewJson {
  resultats: Array<{ url: string; ok: boolean; erreur: string | null }>;
  connexionsFermees: number;
}


const STATE_LABELS: Record<string, string> = {
  A_JOUR: 'à jour',
  ECHEC: 'dernier téléchargement en échec',
  PERIMEE: 'périmée',
  INDISPONIBLE: 'jamais obtenue',
  ACCEPTE: 'accepté',
  REVOQUE: 'révoqué par son AC',
  LCR_INDISPONIBLE_ACCEPTE: 'accepté sans LCR à jour',
  LCR_INDISPONIBLE_REFUSE: 'refusé faute de LCR à jour',
};

const when = (iso: string | null | undefined): string => (iso ? parisDateTime(new Date(iso)) : '—');

export const crlConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  const page = (request: Parameters<typeof agentOf>[0], reply: Parameters<typeof sendConsolePage>[1], overview: CrlOverviewJson, notice: string | null) =>
    sendConsolePage(request, reply, 'lcr', {
      title: 'Listes de révocation (LCR)',
      current: '/console/lcr',
      user: supportSessionOf(request).user,
      overview,
      notice,
      label: (state: string) => STATE_LABELS[state] ?? state,
      when,
    });

  app.get('/console/lcr', async (request, reply) => page(request, reply, await api.call<CrlOverviewJson>('listCrlSources'), null));

  app.post('/console/lcr/rafraichissement', async (request, reply) => {
    const result = await orRefusal(request, reply, () => api.call<CrlRefreshJson>('refreshCrlSources', { body: { agent: agentOf(request) } }));
    if (answered(result)) return result;
    const obtained = result.resultats.filter((r) => r.ok).length;
    const notice = `LCR rafraîchies : ${obtained}/${result.resultats.length} obtenue(s), connexions fermées : ${result.connexionsFermees}.`;
    return page(request, reply, result, notice);
  });
};
