// The PostgreSQL repositories of one process, each built once over the process's database and
// shared by every use case and adapter that needs it (gateway: src/composition/gateway.ts;
// worker: src/composition/worker.ts).
import type { HolidayCalendar } from '../domain/holidays.js';
import type { Database } from '../adapters/postgres/db.js';
import { SqlCrlRepository } from '../adapters/postgres/crl-sources.js';
import { SqlConformanceRunRepository } from '../adapters/postgres/conformance-runs.js';
import { SqlLineTestRepository } from '../adapters/postgres/line-tests.js';
import { SqlMaintenanceRepository } from '../adapters/postgres/maintenance.js';
import { SqlOperatorRepository } from '../adapters/postgres/operators.js';
import { SqlPrestationRepository } from '../adapters/postgres/prestations.js';
import { SqlRateLimitRepository } from '../adapters/postgres/rate-limits.js';
import { SqlCapacityRepository, SqlRendezVousRepository } from '../adapters/postgres/rendezvous.js';
import { SlotGenerator, SqlCapacityAdminRepository } from '../adapters/postgres/capacity.js';
import { SqlScheduledRuns } from '../adapters/postgres/scheduled-runs.js';
import { SqlSignalisationRepository } from '../adapters/postgres/signalisations.js';
import { SqlTravauxRepository } from '../adapters/postgres/travaux.js';
import { SqlVolumetryRepository } from '../adapters/postgres/volumetry.js';

export interface Repositories {
  prestations: SqlPrestationRepository;
  signalisations: SqlSignalisationRepository;
  rendezVous: SqlRendezVousRepository;
  capacity: SqlCapacityRepository;
  /** Patterns, exceptions, non-working days and their regeneration (decision 0018). */
  capacityAdmin: SqlCapacityAdminRepository;
  travaux: SqlTravauxRepository;
  lineTests: SqlLineTestRepository;
  maintenance: SqlMaintenanceRepository;
  rateLimits: SqlRateLimitRepository;
  volumetry: SqlVolumetryRepository;
  operators: SqlOperatorRepository;
  conformanceRuns: SqlConformanceRunRepository;
  /** The ledger of the cluster-wide scheduled jobs (src/composition/scheduler.ts). */
  scheduledRuns: SqlScheduledRuns;
  /** The CRL sources of recognised CAs (decision 0019). */
  crl: SqlCrlRepository;
}

/** `processName` (host/pid) is recorded with the scheduled runs this process makes. */
export function buildRepositories(db: Database, calendar: HolidayCalendar, processName: string): Repositories {
  return {
    prestations: new SqlPrestationRepository(db),
    signalisations: new SqlSignalisationRepository(db),
    rendezVous: new SqlRendezVousRepository(db),
    capacity: new SqlCapacityRepository(db, calendar),
    capacityAdmin: new SqlCapacityAdminRepository(db, new SlotGenerator(calendar)),
    travaux: new SqlTravauxRepository(db),
    lineTests: new SqlLineTestRepository(db),
    maintenance: new SqlMaintenanceRepository(db),
    rateLimits: new SqlRateLimitRepository(db),
    volumetry: new SqlVolumetryRepository(db),
    operators: new SqlOperatorRepository(db),
    conformanceRuns: new SqlConformanceRunRepository(db),
    scheduledRuns: new SqlScheduledRuns(db, processName),
    crl: new SqlCrlRepository(db),
  };
}
