// The console's dashboard (/console): what needs the staff's attention at a glance — the
// maintenance state, certificates due for renewal within 30 days, the operators.
import type { FastifyPluginAsync } from 'fastify';
import { sendConsolePage, supportSessionOf, type ConsolePageDeps } from './common.js';
import { parisDateTime } from '../paris-time.js';


interface MaintenanceJson {
  etat: { enMaintenance: boolean; motif?: string; debut?: string; fin?: string; prochaine?: { nature: string; debut: string; fin: string } };
}

export const homeConsoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, { api }) => {
  app.get('/console', async (request, reply) => {
    const session = supportSessionOf(request);
    const [renewals, operators] = await Promise.all([
      api.call<{ renouvellements: { certificat: { empreinte: string; operateur: string; sujet: string }; dateEcheance: string; echu: boolean }[] }>(
        'listCertificateRenewals', { query: { dans: 30 } },
      ),
      api.call<{ operateurs: { code: string; raisonSociale: string; plateforme: string }[] }>('listOperators'),
    ]);
    const maintenance = await api.call<MaintenanceJson>('getMaintenanceStatus').catch(() => undefined);
    return sendConsolePage(request, reply, 'accueil', {
      title: 'Console du support',
      current: '/console',
      user: session.user,
      renewals: renewals.renouvellements,
      operators: operators.operateurs,
      maintenanceState: maintenance?.etat ?? null,
      when: (iso: string | undefined) => (iso ? parisDateTime(new Date(iso)) : ''),
    });
  });
};
