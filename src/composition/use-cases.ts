// The use cases of the gateway process, each built once over the process's repositories: the
// operators' front gets them through buildEndpoints (src/adapters/operators-front/endpoints.ts),
// the admin API gets the back-office ones.
import type { Catalogue } from '../domain/catalogue.js';
import type { Clock } from '../domain/clock.js';
import type { HolidayCalendar } from '../domain/holidays.js';
import { BackOfficeService } from '../application/back-office.js';
import { CatalogueService } from '../application/catalogue.js';
import type { LineTestJobs } from '../application/line-test-ports.js';
import { LineTestService, lineTestReader } from '../application/line-tests.js';
import { RendezVousService } from '../application/rendezvous.js';
import { SignalisationService } from '../application/signalisation.js';
import { TravauxService } from '../application/travaux.js';
import { CapacityAdminService } from '../application/capacity.js';
import { frenchPublicHolidayNames } from '../domain/holidays.js';
import type { Repositories } from './repositories.js';
import type { NoticeService } from '../application/notices.js';

export interface UseCaseDeps {
  repositories: Repositories;
  catalogue: Catalogue;
  clock: Clock;
  calendar: HolidayCalendar;
  /** The durable queue line tests are enqueued on (src/adapters/queue/queue.ts). */
  lineTestJobs: LineTestJobs;
  /** How long CLOS/VALIDE tickets stay modifiable before the sweep files them (ms). */
  dashboardDelayMs: number;
  /** The notices to the operators (src/composition/notices.ts); absent: SignalisationService v2 lists none. */
  notices?: NoticeService;
}

export interface UseCases {
  signalisation: SignalisationService;
  rendezVous: RendezVousService;
  catalogue: CatalogueService;
  lineTests: LineTestService;
  travaux: TravauxService;
  backOffice: BackOfficeService;
  /** Technicians' capacity administration (admin API /admin/capacite…). */
  capacity: CapacityAdminService;
  /** The notices to the operators (consulterAvis of SignalisationService v2, decision 0022). */
  notices?: NoticeService;
}

export function buildUseCases({ repositories: r, catalogue, clock, calendar, lineTestJobs, dashboardDelayMs, notices }: UseCaseDeps): UseCases {
  const rendezVous = new RendezVousService({
    catalogue,
    clock,
    calendar,
    capacity: r.capacity,
    rendezVous: r.rendezVous,
    prestations: r.prestations,
    signalisations: r.signalisations,
  });
  return {
    rendezVous,
    signalisation: new SignalisationService({
      appointments: rendezVous,
      lineTests: lineTestReader(r.lineTests),
      catalogue,
      clock,
      calendar,
      prestations: r.prestations,
      signalisations: r.signalisations,
    }),
    catalogue: new CatalogueService({ catalogue, clock }),
    lineTests: new LineTestService({ catalogue, clock, prestations: r.prestations, signalisations: r.signalisations, tests: r.lineTests, jobs: lineTestJobs }),
    travaux: new TravauxService({ catalogue, clock, prestations: r.prestations, travaux: r.travaux }),
    backOffice: new BackOfficeService({ catalogue, clock, calendar, prestations: r.prestations, signalisations: r.signalisations, dashboardDelayMs }),
    capacity: new CapacityAdminService({
      repository: r.capacityAdmin,
      slots: r.capacity,
      calendar,
      holidayNames: frenchPublicHolidayNames,
      clock,
    }),
    ...(notices ? { notices } : {}),
  };
}
