// The prestations import and administration of the gateway process (issue 14, decision 0017): the
// use case over its SQL repository, and the options of its admin API routes.
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import { parisDayOf } from '../domain/paris-calendar.js';
import { isInService } from '../domain/prestation-import.js';
import { PrestationImportService } from '../application/prestation-imports.js';
import type { PrestationRoutesOptions } from '../adapters/admin-api/prestations-routes.js';
import type { Database } from '../adapters/postgres/db.js';
import { SqlPrestationImportRepository } from '../adapters/postgres/prestation-imports.js';

export function buildPrestationAdmin(
  db: Database,
  catalogue: Catalogue,
  clock: Clock,
  config: { maxBytes: number; progressEveryLines: number },
): PrestationRoutesOptions {
  const service = new PrestationImportService({
    catalogue,
    clock,
    repository: new SqlPrestationImportRepository(db),
    progressEvery: config.progressEveryLines,
  });
  return { service, inService: (p) => isInService(p, parisDayOf(clock.now())), maxImportBytes: config.maxBytes };
}
