// What a worker does with one test job: claim the test (one execution at a time holds it), act on
// the network element through the adapter, interpret the reading, and record the result — with the
// volumetry event, in the same transaction — only if the execution still holds its claim. A
// failure is kept as the reason and retried by the queue; the last one (or a job whose attempts are
// used up) ends the test in ECHEC with its reason.
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import {
  interpretLineState,
  interpretOptical,
  interpretPort,
  interpretPortReset,
  interpretSession,
  type TestOutcome,
} from '../domain/line-tests.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { LineTestRepository, TestTarget } from './line-test-ports.js';
import type { VolumetrySink } from './volumetry.js';
import { NetworkElementUnavailable, type NetworkAdapter, type NetworkLine } from './network-port.js';
import type { JobHandlers, LineTestJob } from './line-test-ports.js';

export interface LineTestWorkerDeps {
  tests: LineTestRepository;
  network: NetworkAdapter;
  catalogue: Catalogue;
  clock: Clock;
  volumetry: VolumetrySink;
  maxAttempts: number;
  logger: Logger;
}

/** The ECHEC reason once the attempts are used up. */
export function failureMotif(attempts: number, lastError: string | null): string {
  const what = lastError ?? 'exécution interrompue (arrêt ou panne du traitement en cours de test)';
  return `Test non abouti après ${attempts} tentative${attempts > 1 ? 's' : ''} : ${what}`;
}

/** Runs the network action of a test and interprets its reading. */
export async function performTest(network: NetworkAdapter, target: TestTarget, line: NetworkLine): Promise<TestOutcome> {
  switch (target.typeTest) {
    case 'ETAT_SYNCHRO':
      return interpretLineState(await network.readLineState(line));
    case 'MESURE_OPTIQUE':
      return interpretOptical(await network.measureOptical(line));
    case 'ETAT_PORT':
      return interpretPort(await network.readPortState(line));
    case 'ETAT_SESSION':
      return interpretSession(await network.readSessionState(line));
    case 'REINITIALISATION_PORT':
      return interpretPortReset(await network.resetPort(line));
  }
}

export class LineTestWorker implements JobHandlers {
  constructor(private readonly deps: LineTestWorkerDeps) {}

  async run(job: LineTestJob, worker: string): Promise<'completed' | 'superseded'> {
    const { tests, clock, logger } = this.deps;
    const token = randomUUID();
    const claim = await tests.claim(job.testId, { token, worker, at: clock.now(), maxAttempts: this.deps.maxAttempts });
    switch (claim.kind) {
      case 'unknown':
        logger.warn({ job: job.id, testId: job.testId }, 'test job without its test: dropped');
        return 'completed';
      case 'done':
        return 'completed';
      case 'exhausted':
        await tests.fail(job.testId, failureMotif, clock.now());
        return 'completed';
      case 'claimed':
        break;
    }
    const { target } = claim;
    const line: NetworkLine = {
      prestationId: target.prestationId,
      offerCode: target.offerCode,
      technologie: this.deps.catalogue.offers.get(target.offerCode)?.technologie ?? 'INCONNUE',
      extremites: target.extremites,
      informations: target.informations,
    };
    let outcome: TestOutcome;
    try {
      outcome = await performTest(this.deps.network, target, line);
    } catch (error) {
      const reason =
        error instanceof NetworkElementUnavailable ? error.message : 'erreur technique pendant le test (le détail est dans le journal de la passerelle)';
      if (!(error instanceof NetworkElementUnavailable)) logger.error({ err: error, test: target.reference, worker }, 'line test execution failed');
      if (!(await tests.recordError(job.testId, token, reason, clock.now()))) return 'superseded';
      if (job.lastAttempt) {
        await tests.fail(job.testId, failureMotif, clock.now());
        return 'completed';
      }
      throw error;
    }
    const recorded = await tests.complete(job.testId, token, outcome, clock.now(), (executor, test) =>
      // The point where a test "produced a result" (spec §3): counted once, with the result.
      this.deps.volumetry.record({ kind: 'TEST_RESULTAT', operatorCode: test.operatorCode, at: test.completedAt!, reference: test.reference }, executor),
    );
    if (!recorded) {
      logger.warn({ test: target.reference, worker }, 'line test result discarded: the execution lost its claim');
      return 'superseded';
    }
    logger.info({ test: target.reference, typeTest: target.typeTest, verdict: outcome.verdict, attempt: claim.attempt, worker }, 'line test done');
    return 'completed';
  }

  /** A job whose attempts are used up, its last execution lost (worker stopped or crashed). */
  async deadLetter(job: LineTestJob): Promise<void> {
    const failed = await this.deps.tests.fail(job.testId, failureMotif, this.deps.clock.now());
    if (failed) this.deps.logger.warn({ testId: job.testId }, 'line test ended in ECHEC: attempts used up');
  }
}
