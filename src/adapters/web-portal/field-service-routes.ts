// The field-service page family of the portal (issue 13, points 4 and 5): a ticket's appointments,
// line tests followed to their verdict, works and incidents. One plugin, registered with the page
// families' dependencies in app.ts.
import type { FastifyPluginAsync } from 'fastify';
import type { FieldServiceDeps } from './field-service-common.js';
import { lineTestRoutes } from './line-test-routes.js';
import { rendezVousRoutes } from './rendezvous-routes.js';
import { travauxRoutes } from './travaux-routes.js';

export const fieldServiceRoutes: FastifyPluginAsync<FieldServiceDeps> = async (app, deps) => {
  await app.register(rendezVousRoutes, deps);
  await app.register(lineTestRoutes, deps);
  await app.register(travauxRoutes, deps);
};
