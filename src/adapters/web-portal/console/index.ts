// The support console (issue 14, decision 0021): pages under /console on the portal's port for the
// provider's support staff (role SUPPORT, second factor always required). Every page calls the
// admin API only, by operationId (ConsoleApi, api.ts). Each page family is a module
// `console/<family>-routes.ts` exporting its plugin; to add one, import it below and add one line
// to CONSOLE_PAGES, and its entry to navigation.ts. The parity test finds the operations it calls.
import type { FastifyPluginAsync } from 'fastify';
import { requireSupport, type ConsolePageDeps } from './common.js';
import * as home from './home-routes.js';
import * as tickets from './tickets-routes.js';
import * as certificates from './certificates-routes.js';
import * as volumetry from './volumetry-routes.js';
import * as operators from './operators-routes.js';
import * as travauxAudit from './travaux-audit-routes.js';
import * as supportAccounts from './support-accounts-routes.js';
import * as capacity from './capacity-routes.js';
import * as profiles from './profiles-routes.js';
import * as lifecycle from './lifecycle-routes.js';
import * as crl from './crl-routes.js';
import * as prestations from './prestations-routes.js';
import * as push from './push-routes.js';
import * as notices from './notices-routes.js';

export interface ConsolePage {
  /** The family's name (for messages and the parity check). */
  name: string;
  routes: FastifyPluginAsync<ConsolePageDeps>;
}

export const CONSOLE_PAGES: readonly ConsolePage[] = [
  { name: 'tableau de bord', routes: home.homeConsoleRoutes },
  { name: 'signalisations', routes: tickets.ticketsConsoleRoutes },
  { name: 'certificats et autorités', routes: certificates.certificatesConsoleRoutes },
  { name: 'volumétrie et exploitation', routes: volumetry.volumetryConsoleRoutes },
  { name: 'opérateurs, conformité et comptes du portail', routes: operators.operatorsConsoleRoutes },
  { name: 'travaux et journal d’audit', routes: travauxAudit.travauxAuditConsoleRoutes },
  { name: 'comptes du support', routes: supportAccounts.supportAccountsConsoleRoutes },
  { name: 'capacité', routes: capacity.capacityConsoleRoutes },
  { name: 'profils', routes: profiles.profilesConsoleRoutes },
  { name: 'cycle de vie des opérateurs', routes: lifecycle.lifecycleConsoleRoutes },
  { name: 'listes de révocation', routes: crl.crlConsoleRoutes },
  { name: 'prestations', routes: prestations.prestationsConsoleRoutes },
  { name: 'notifications poussées', routes: push.pushConsoleRoutes },
  { name: 'avis aux opérateurs', routes: notices.noticesConsoleRoutes },
];

/** The console's pages, all behind requireSupport (registered by buildWebPortal when given an API client). */
export const consoleRoutes: FastifyPluginAsync<ConsolePageDeps> = async (app, deps) => {
  app.addHook('preHandler', requireSupport);
  for (const page of CONSOLE_PAGES) await app.register(page.routes, deps);
};
