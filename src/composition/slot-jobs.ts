// The appointment slots' periodic jobs (decision 0029), registered by the gateway's root on its
// scheduler (decision 0014): both are cluster jobs, run once per period across every process and
// node sharing the database, and both work in short steps that stop when the scheduler stops.
import type { Logger } from 'pino';
import type { RendezVousService } from '../application/rendezvous.js';
import type { Scheduler } from './scheduler.js';

export const SLOT_HORIZON_JOB = 'rdv-horizon';
export const SLOT_PURGE_JOB = 'rdv-slots-purge';
/** Both jobs run hourly: a period with nothing new costs one query each. */
export const SLOT_JOBS_EVERY_MS = 3_600_000;

export function registerSlotJobs(
  scheduler: Scheduler,
  rendezVous: Pick<RendezVousService, 'extendHorizon' | 'purgePastFreeSlots'>,
  options: { retentionDays: number; logger: Logger },
): void {
  const { logger, retentionDays } = options;
  // The Paris day that came into the rolling horizon, generated for every zone with capacity in
  // batches of zones (and any zone whose capacity changed since: its coverage was forgotten).
  scheduler.cluster(SLOT_HORIZON_JOB, SLOT_JOBS_EVERY_MS, async (signal) => {
    const started = performance.now();
    const done = await rendezVous.extendHorizon(signal);
    if (done.zones > 0) {
      logger.info({ zones: done.zones, slots: done.ajoutes, interrupted: signal.aborted, ms: Math.round(performance.now() - started) }, 'appointment slots horizon extended');
    }
  });
  if (retentionDays > 0) {
    // Free slots of days older than the retention, deleted in short batches.
    scheduler.cluster(SLOT_PURGE_JOB, SLOT_JOBS_EVERY_MS, async (signal) => {
      const started = performance.now();
      const done = await rendezVous.purgePastFreeSlots(retentionDays, signal);
      if (done.supprimes > 0 || signal.aborted) {
        logger.info(
          { deleted: done.supprimes, before: done.avant.toISOString(), batches: done.lots, interrupted: signal.aborted, ms: Math.round(performance.now() - started) },
          'past free appointment slots purged',
        );
      }
    });
  }
}
