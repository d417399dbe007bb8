// Health of a gateway process, on the admin port (never the operators' mTLS one), without token:
//   GET /health/live   the process answers (200): {status: ok}, or {status: maintenance, maintenance: {…}}
//   GET /health/ready  200 when it can serve: database reachable and not stopping; 503 otherwise.
//                      During a maintenance window it stays ready (it answers the operators their
//                      fault 402 with the planned end) and says so: status "maintenance".
import type { FastifyPluginAsync } from 'fastify';
import type { MaintenanceStatus } from '../../application/maintenance.js';
import { anyJson, object, operation, str } from './schemas.js';

const healthSchema = object({ status: str, database: { type: 'string', enum: ['up', 'down'] }, maintenance: anyJson });

/** What readiness needs of the database: one round trip (the Database of the postgres adapter fits). */
export interface Pingable {
  query(text: string): Promise<unknown>;
}

export interface HealthDeps {
  db: Pingable;
  maintenance?: { status(): MaintenanceStatus };
  /** True once the gateway has begun to stop (readiness turns 503 first). */
  stopping(): boolean;
  /** Longest wait for the database check (ms). */
  databaseTimeoutMs?: number;
}

async function databaseReachable(db: Pingable, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      db.query('SELECT 1').then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** GET /health/live and /health/ready, a plugin (registered by operationsRoutes). */
export const healthRoutes: FastifyPluginAsync<HealthDeps> = async (app, deps) => {
  // Outside maintenance the answer stays the bare {"status":"ok"} liveness probes expect.
  const live = operation({
    operationId: 'getLiveness',
    summary: 'Le processus répond (sans jeton) : status ok, ou maintenance',
    tags: ['exploitation'],
    secured: false,
    response: { 200: healthSchema },
  });
  app.get('/health/live', { schema: live }, async () => {
    const maintenance = deps.maintenance?.status();
    return maintenance?.enMaintenance ? { status: 'maintenance', maintenance } : { status: 'ok' };
  });

  const ready = operation({
    operationId: 'getReadiness',
    summary: 'Prêt à servir (sans jeton) : base joignable et pas en arrêt ; 503 sinon',
    tags: ['exploitation'],
    secured: false,
    response: { 200: healthSchema, 503: healthSchema },
  });
  app.get('/health/ready', { schema: ready }, async (_request, reply) => {
    const maintenance = deps.maintenance?.status();
    if (deps.stopping()) return reply.code(503).send({ status: 'stopping', ...(maintenance ? { maintenance } : {}) });
    const database = await databaseReachable(deps.db, deps.databaseTimeoutMs ?? 2000);
    if (!database) return reply.code(503).send({ status: 'database unreachable', database: 'down', ...(maintenance ? { maintenance } : {}) });
    return { status: maintenance?.enMaintenance ? 'maintenance' : 'ok', database: 'up', ...(maintenance ? { maintenance } : {}) };
  });
};
