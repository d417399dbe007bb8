// The back office's use case over a test gateway's database, as support staff drive it (state
// changes, comments): tests use it to move tickets through their lifecycle.
import { BackOfficeService } from '../../src/application/back-office.js';
import { loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { SqlPrestationRepository } from '../../src/adapters/postgres/prestations.js';
import { SqlSignalisationRepository } from '../../src/adapters/postgres/signalisations.js';
import type { Database } from '../../src/adapters/postgres/db.js';
import type { Clock } from '../../src/domain/clock.js';
import { NO_HOLIDAYS, type HolidayCalendar } from '../../src/domain/holidays.js';

const DAY_MS = 24 * 3600_000;

/** By default without public holidays and with the gateway's 15-day dashboard delay. */
export function backOfficeOver(db: Database, clock: Clock, options: { calendar?: HolidayCalendar; dashboardDelayMs?: number } = {}): BackOfficeService {
  return new BackOfficeService({
    catalogue: loadCatalogue(CATALOG_DIR),
    prestations: new SqlPrestationRepository(db),
    signalisations: new SqlSignalisationRepository(db),
    clock,
    calendar: options.calendar ?? NO_HOLIDAYS,
    dashboardDelayMs: options.dashboardDelayMs ?? 15 * DAY_MS,
  });
}
