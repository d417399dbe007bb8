// The line-test machinery of one process: the durable queue (always: the gateway enqueues through
// it) and, when asked, its workers with the network adapter. A factory shared by the two roots that
// run line tests: the gateway (src/composition/gateway.ts, workers inside it by default,
// ESAV_TEST_WORKERS) and the worker (src/composition/worker.ts, `npm run worker`).
import type { Logger } from 'pino';
import type { LineTestConfig } from './config/config.js';
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { noVolumetry, type VolumetrySink } from '../application/volumetry.js';
import type { Database } from '../adapters/postgres/db.js';
import { simulatedProfile } from '../adapters/postgres/line-tests.js';
import type { Repositories } from './repositories.js';
import { LineTestWorker } from '../application/line-test-execution.js';
import type { NetworkAdapter } from '../application/network-port.js';
import { LineTestQueue } from '../adapters/queue/queue.js';
import { NetworkSimulator } from '../adapters/network/simulator.js';

export interface LineTestRuntimeOptions {
  db: Database;
  /** The process's repositories (src/composition/repositories.ts). */
  repositories: Pick<Repositories, 'lineTests' | 'travaux'>;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  config: LineTestConfig;
  /** Worker loops in this process (0: enqueue only). */
  workers: number;
  /** Default: the deterministic simulator. */
  network?: NetworkAdapter;
  /** Default: counts nothing (issue 8 provides the real sink). */
  volumetry?: VolumetrySink;
  /** Names this process's workers in line_test_runs (default host/pid). */
  workerName?: string;
}

export interface LineTestRuntime {
  queue: LineTestQueue;
  /** Stops the workers (running tests get `graceMs` to finish) and the queue's maintenance. */
  stop(graceMs?: number): Promise<void>;
}

/** The default network adapter: the simulator over the database (line profiles, open incidents). */
export function simulatorFor(db: Database, travaux: Repositories['travaux'], clock: Clock, latencyMs: number): NetworkSimulator {
  return new NetworkSimulator({
    clock,
    latencyMs,
    state: {
      profile: (prestationId) => simulatedProfile(db, prestationId),
      openIncidents: (prestationId, at) => travaux.openIncidents(prestationId, at),
    },
  });
}

export async function startLineTestRuntime(options: LineTestRuntimeOptions): Promise<LineTestRuntime> {
  const { db, config, logger } = options;
  const queue = new LineTestQueue(db, config, logger.child({ component: 'line-tests' }));
  await queue.start();
  if (options.workers > 0) {
    const worker = new LineTestWorker({
      tests: options.repositories.lineTests,
      network: options.network ?? simulatorFor(db, options.repositories.travaux, options.clock, config.simulatorLatencyMs),
      catalogue: options.catalogue,
      clock: options.clock,
      volumetry: options.volumetry ?? noVolumetry,
      maxAttempts: config.maxAttempts,
      logger: logger.child({ component: 'line-tests' }),
    });
    queue.startWorkers(options.workers, worker, options.workerName);
  }
  return {
    queue,
    stop: (graceMs = config.stopGraceMs) => queue.stop(graceMs),
  };
}
